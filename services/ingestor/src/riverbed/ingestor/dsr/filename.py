"""Parse DSR metadata from the outer file name (never from the gzip header)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from riverbed.core.errors import DataError

__all__ = ["DsrName", "parse_dsr_name"]

# <DSP>_<model>[_<society>]_<TERRITORY2>_<CURRENCY3>_<YYYYMMDD>-<YYYYMMDD>.tsv[.gz]
_NAME = re.compile(
    r"^(?P<dsp>[^_]+)_(?P<model>[^_]+)(?:_(?P<society>[^_]+))?"
    r"_(?P<territory>[A-Z]{2})_(?P<currency>[A-Z]{3})"
    r"_(?P<start>\d{8})-(?P<end>\d{8})\.tsv(?:\.gz)?$"
)


@dataclass(frozen=True)
class DsrName:
    """Metadata carried by a DSR file name."""

    dsp: str
    commercial_model: str
    society: str | None
    territory: str
    currency: str
    period_start: date
    period_end: date


def _date(value: str, name: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise DataError(f"invalid date {value!r} in the file name", path=name) from None


def parse_dsr_name(name: str) -> DsrName:
    """Parse `Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz` into its metadata."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    m = _NAME.match(base)
    if m is None:
        raise DataError(
            "file name does not match <DSP>_<model>[_<society>]_<TERRITORY>_<CURRENCY>_"
            "<YYYYMMDD>-<YYYYMMDD>.tsv[.gz]",
            path=name,
        )
    start, end = _date(m["start"], name), _date(m["end"], name)
    if start > end:
        raise DataError(f"period starts after it ends ({start} > {end})", path=name)
    return DsrName(
        dsp=m["dsp"],
        commercial_model=m["model"],
        society=m["society"],
        territory=m["territory"],
        currency=m["currency"],
        period_start=start,
        period_end=end,
    )
