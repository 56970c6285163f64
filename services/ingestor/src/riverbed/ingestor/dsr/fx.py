"""Load ECB euro reference rates (eurofxref CSV) and average them over a DSR period."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, tuple_

from riverbed.core.errors import DataError
from riverbed.ingestor.dsr.schema import fx_rate

__all__ = ["FxImport", "average_rate", "import_fx", "read_ecb_csv"]

_BATCH = 2_000


@dataclass(frozen=True)
class FxImport:
    """Outcome of an fx import."""

    rows: int
    currencies: tuple[str, ...]
    first: date | None
    last: date | None


def _parse_date(value: str, path: str, line: int) -> date:
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise DataError(f"invalid date {value!r}", path=path, line=line, field="Date")


def read_ecb_csv(path: Path) -> Iterator[tuple[str, date, Decimal]]:
    """Yield (currency, date, units per euro) from an eurofxref(-hist) CSV; N/A cells skipped."""
    name = str(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if not header or header[0] != "Date":
            raise DataError(
                "not an ECB reference-rate CSV: first column must be Date", path=name, line=1
            )
        currencies = header[1:]
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            day = _parse_date(row[0], name, line)
            for code, cell in zip(currencies, row[1:], strict=False):
                value = cell.strip()
                if not code or not value or value == "N/A":
                    continue
                try:
                    rate = Decimal(value)
                except InvalidOperation:
                    raise DataError(
                        f"rate {value!r} is not a number", path=name, line=line, field=code
                    ) from None
                if rate <= 0:
                    raise DataError(
                        f"rate {value!r} is not positive", path=name, line=line, field=code
                    )
                yield code, day, rate


def import_fx(engine: Engine, path: Path) -> FxImport:
    """Upsert every rate of the file in one transaction."""
    rows = 0
    seen: set[str] = set()
    first: date | None = None
    last: date | None = None
    batch: list[dict[str, object]] = []

    def flush() -> None:
        keys = [(r["currency_code"], r["rate_date"]) for r in batch]
        conn.execute(
            delete(fx_rate).where(tuple_(fx_rate.c.currency_code, fx_rate.c.rate_date).in_(keys))
        )
        conn.execute(insert(fx_rate), batch)
        batch.clear()

    with engine.begin() as conn:
        for code, day, rate in read_ecb_csv(path):
            batch.append({"currency_code": code, "rate_date": day, "rate": rate})
            rows += 1
            seen.add(code)
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
            if len(batch) >= _BATCH:
                flush()
        if batch:
            flush()
    return FxImport(rows, tuple(sorted(seen)), first, last)


def average_rate(engine: Engine, currency: str, start: date, end: date) -> Decimal | None:
    """Return the mean ECB rate of `currency` over [start, end] (EUR is 1), None when absent."""
    if currency == "EUR":
        return Decimal(1)
    with engine.connect() as conn:
        value = conn.scalar(
            select(func.avg(fx_rate.c.rate)).where(
                fx_rate.c.currency_code == currency, fx_rate.c.rate_date.between(start, end)
            )
        )
    return None if value is None else Decimal(str(value))
