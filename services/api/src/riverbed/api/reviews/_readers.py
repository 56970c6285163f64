"""Read reviews from a JSON-lines dump (gz or not), a CSV export or an exercise SQLite file."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from riverbed.api.reviews._models import ID_MAX_LENGTH
from riverbed.api.reviews._schema import COLUMNS, TABLE
from riverbed.core.errors import DataError, UserInputError

__all__ = ["Record", "Source", "detect_format", "normalize", "open_source"]

Record = tuple[Any, ...]  # values in COLUMNS order
_VOTE = re.compile(r"^[0-9][0-9,]{0,17}$")
_MAX_TS = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}


@dataclass
class Source:
    """Raw records `(line, mapping)` of one input, with progress in `unit`s."""

    label: str
    records: Iterator[tuple[int, Mapping[str, Any]]]
    total: int | None
    unit: str
    position: Any = field(default=lambda: 0)


def detect_format(path: Path) -> str:
    """Return "sqlite", "jsonl" or "csv" from the file's first bytes."""
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    opener = gzip.open if head[:2] == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        first = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if first.startswith(b"{") else "csv"


def open_source(path: Path) -> Source:
    """Open `path` in its detected format (raises UserInputError when unreadable)."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such file")
    fmt = detect_format(path)
    if fmt == "sqlite":
        return _sqlite_source(path)
    raw = path.open("rb")
    size = path.stat().st_size
    binary: IO[bytes] = gzip.open(raw) if _is_gzip(path) else raw  # type: ignore[assignment]  # noqa: SIM115
    text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
    records = _jsonl(path, text) if fmt == "jsonl" else _csv(path, text)

    def position() -> int:
        return size if raw.closed else raw.tell()

    return Source(str(path), _closing(records, raw), size, "bytes", position)


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _closing(
    records: Iterator[tuple[int, Mapping[str, Any]]], fh: IO[bytes]
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    with fh:
        yield from records


def _jsonl(path: Path, text: IO[str]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for line_no, line in enumerate(text, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield line_no, {"__error__": f"malformed JSON: {exc}"}
            continue
        yield line_no, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}


def _csv(path: Path, text: IO[str]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(text)
    header = set(reader.fieldnames or ())
    missing = {"reviewerID", "overall", "unixReviewTime"} - header
    if missing or not {"productID", "asin"} & header:
        need = ", ".join(
            sorted(missing | ({"productID"} - header if "asin" not in header else set()))
        )
        raise DataError(f"CSV header lacks column(s) {need}", path=str(path), line=1)
    for row in reader:
        yield reader.line_num, {k: (None if v == "" else v) for k, v in row.items() if k}


def _sqlite_source(path: Path) -> Source:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{TABLE}")')}
    if not cols:
        conn.close()
        raise DataError(f"no `{TABLE}` table", path=str(path))
    total = conn.execute(f'SELECT COUNT(*) FROM "{TABLE}"').fetchone()[0]
    present = [c for c in COLUMNS if c in cols]
    select = ", ".join(f'"{c}"' for c in present)
    done = [0]

    def records() -> Iterator[tuple[int, Mapping[str, Any]]]:
        try:
            cur = conn.execute(f'SELECT rowid, {select} FROM "{TABLE}" ORDER BY rowid')
            for row in cur:
                done[0] += 1
                yield int(row[0]), dict(zip(present, row[1:], strict=True))
        finally:
            conn.close()

    return Source(str(path), records(), total, "rows", lambda: done[0])


def _text(raw: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise ValueError("missing")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError("empty")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected an integer, got {value}")
        return int(value)
    if isinstance(value, str):
        return int(float(value)) if re.fullmatch(r"\s*-?\d+(\.0*)?\s*", value) else int(value)
    if isinstance(value, int):
        return value
    raise ValueError(f"expected an integer, got {type(value).__name__}")


def _verified(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        if low in ("", "null", "nan", "none"):
            return None
    raise ValueError(f"expected true/false, got {value!r}")


def _vote(raw: Mapping[str, Any]) -> str | None:
    if "vote" in raw:
        value = raw["vote"]
        if value is None or value == "":
            return value
        if isinstance(value, float) and value != value:  # NaN from pandas
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = f"{_int(value):,}"
        if not isinstance(value, str) or not _VOTE.match(value):
            raise ValueError(f"expected a vote count like 12 or 1,234, got {value!r}")
        return value
    helpful = raw.get("helpful")
    if helpful is None:
        return None
    if not (isinstance(helpful, list) and helpful and isinstance(helpful[0], int)):
        raise ValueError(f"expected [helpful votes, total votes], got {helpful!r}")
    if helpful[0] < 0:
        raise ValueError("negative vote count")
    return f"{helpful[0]:,}"


def _field(name: str, fn: Any, line: int, label: str) -> Any:
    try:
        return fn()
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataError(str(exc), path=label, line=line, field=name) from None


def normalize(raw: Mapping[str, Any], line: int, label: str, seq: int) -> Record:
    """Validate one raw record and return it in COLUMNS order (`level_0` left to the loader)."""
    if "__error__" in raw:
        raise DataError(str(raw["__error__"]), path=label, line=line)
    pkey = "productID" if "productID" in raw else "asin"

    def ident(key: str) -> str:
        value = _text(raw, key, required=True)
        assert value is not None
        if len(value) > ID_MAX_LENGTH:
            raise ValueError(f"longer than {ID_MAX_LENGTH} characters")
        return value

    def rating() -> float:
        value = raw.get("overall")
        if value is None:
            raise ValueError("missing")
        number = float(value) if not isinstance(value, bool) else float("nan")
        if not (1 <= number <= 5 and number.is_integer()):
            raise ValueError(f"expected a rating 1 to 5, got {value!r}")
        return number

    def unix() -> int:
        if raw.get("unixReviewTime") is None:
            raise ValueError("missing")
        ts = _int(raw["unixReviewTime"])
        if not 0 <= ts < _MAX_TS:
            raise ValueError(f"epoch seconds out of range 1970-2100: {ts}")
        return ts

    ts = _field("unixReviewTime", unix, line, label)
    review_time = _field("reviewTime", lambda: _text(raw, "reviewTime"), line, label)
    if review_time is None:
        when = datetime.fromtimestamp(ts, UTC)
        review_time = f"{when.month:02d} {when.day}, {when.year}"
    index = raw.get("index")
    return (
        None,
        _field("index", lambda: _int(index), line, label) if index is not None else seq,
        _field("overall", rating, line, label),
        _field("verified", lambda: _verified(raw.get("verified")), line, label),
        review_time,
        _field("reviewerID", lambda: ident("reviewerID"), line, label),
        _field(pkey, lambda: ident(pkey), line, label),
        _field("reviewerName", lambda: _text(raw, "reviewerName"), line, label),
        _field("reviewText", lambda: _text(raw, "reviewText"), line, label),
        _field("summary", lambda: _text(raw, "summary"), line, label),
        ts,
        _field("vote", lambda: _vote(raw), line, label),
    )
