"""Extract: where SAV messages come from (a CSV file or a database table), read by chunks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from riverbed.analytics.sav._columns import ID_COLUMNS, INPUT_COLUMNS
from riverbed.core.errors import DataError, ServiceError, UserInputError
from riverbed.core.settings import normalize_database_url

__all__ = ["CsvSource", "DatabaseSource", "MessageSource", "open_source", "read_all"]

DEFAULT_CHUNK_ROWS = 500_000


@runtime_checkable
class MessageSource(Protocol):
    """Anything that yields SAV messages as DataFrames with `INPUT_COLUMNS`."""

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Yield the messages by chunks (created_at as UTC timestamps)."""
        ...

    def describe(self) -> str:
        """Name the source for logs and errors (no secrets)."""
        ...


def read_all(source: MessageSource) -> pd.DataFrame:
    """Read every chunk of `source` into one DataFrame."""
    frames = list(source.chunks())
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="int64") for c in INPUT_COLUMNS}).astype(
            {"created_at": "datetime64[ns, UTC]", "country": "object"}
        )
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _check_frame(frame: pd.DataFrame, where: str, first_line: int | None) -> pd.DataFrame:
    """Reject null fields and unparsable timestamps, naming the line and field."""
    for col in INPUT_COLUMNS:
        nulls = frame[col].isna().to_numpy()
        if nulls.any():
            row = int(nulls.argmax())
            line = first_line + row if first_line is not None else None
            raise DataError(
                f"empty value (row {row + 1} of this chunk)" if line is None else "empty value",
                path=where,
                line=line,
                field=col,
            )
    created = frame["created_at"]
    if not isinstance(created.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_dtype(created.dtype):  # naive: stored as UTC
            parsed = created.dt.tz_localize("UTC")
        else:
            parsed = pd.to_datetime(created, utc=True, format="ISO8601", errors="coerce")
            bad = parsed.isna().to_numpy()
            if bad.any():
                row = int(bad.argmax())
                line = first_line + row if first_line is not None else None
                raise DataError(
                    f"not an ISO 8601 timestamp: {created.iloc[row]!r}",
                    path=where,
                    line=line,
                    field="created_at",
                )
        frame = frame.assign(created_at=parsed)
    return frame


class CsvSource:
    """Read a CSV file with a header naming at least `INPUT_COLUMNS` (pyarrow, streamed)."""

    def __init__(self, path: Path, *, block_bytes: int = 64 << 20) -> None:
        self.path = Path(path)
        self.block_bytes = block_bytes

    def describe(self) -> str:
        """Name the file."""
        return f"csv:{self.path}"

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Yield DataFrames of about `block_bytes` of CSV each."""
        if not self.path.is_file():
            raise UserInputError(f"{self.path}: no such file")
        header = self._header()
        missing = [c for c in INPUT_COLUMNS if c not in header]
        if missing:
            raise DataError(
                f"missing column(s) {', '.join(missing)}",
                path=str(self.path),
                line=1,
                field=missing[0],
            )
        types = {"created_at": pa.timestamp("ns", tz="UTC"), "country": pa.string()}
        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(block_size=self.block_bytes),
                convert_options=pacsv.ConvertOptions(
                    include_columns=INPUT_COLUMNS,
                    column_types=types,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            line = 2
            for batch in reader:
                frame = batch.to_pandas()
                yield _check_frame(frame[INPUT_COLUMNS], str(self.path), line)
                line += len(frame)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            # The fast path refused a value: find it with the slow, precise path.
            try:
                self._locate_error()
            except (ValueError, UnicodeDecodeError) as slow:  # ragged rows, bad encoding
                raise DataError(f"unreadable CSV: {slow}", path=str(self.path)) from None
            raise DataError(f"unreadable CSV: {exc}", path=str(self.path)) from None

    def _header(self) -> list[str]:
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            first = fh.readline().strip()
        return [c.strip().strip('"') for c in first.split(",")] if first else []

    def _locate_error(self) -> None:
        """Re-read as text and raise a DataError naming the first bad line and field."""
        line = 2
        for frame in pd.read_csv(
            self.path, usecols=INPUT_COLUMNS, dtype=str, keep_default_na=False, chunksize=200_000
        ):
            frame = frame.replace("", None)
            _check_frame(frame, str(self.path), line)
            for col in ID_COLUMNS:
                num = pd.to_numeric(frame[col], errors="coerce")
                bad = num.isna().to_numpy()
                if bad.any() and not bad.all():
                    row = int(bad.argmax())
                    raise DataError(
                        f"not an integer id: {frame[col].iloc[row]!r}",
                        path=str(self.path),
                        line=line + row,
                        field=col,
                    )
            line += len(frame)


class DatabaseSource:
    """Read a table with a server-side cursor (Postgres, MySQL/MariaDB), `chunk_rows` at a time."""

    def __init__(
        self,
        url: str,
        *,
        table: str = "sav_messages",
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        day: date | None = None,
    ) -> None:
        if not table.replace("_", "").replace(".", "").isalnum():
            raise UserInputError(f"invalid table name: {table!r}")
        self.url = _driver_url(url)
        self.table = table
        self.chunk_rows = chunk_rows
        self.day = day  # when set, read only tickets with a message on that UTC day

    def describe(self) -> str:
        """Name the database (password hidden) and table."""
        from sqlalchemy.engine import make_url

        return f"db:{make_url(self.url).render_as_string(hide_password=True)}#{self.table}"

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Yield DataFrames of `chunk_rows` rows streamed from the server."""
        engine = create_engine(self.url)
        sql = f"SELECT {', '.join(INPUT_COLUMNS)} FROM {self.table}"
        params: dict[str, datetime] = {}
        if self.day is not None:
            # A ticket first written by its client on `day` has a message on `day`: read only
            # the tickets with one (a superset), then the transform keeps the exact ones.
            sql += (
                f" WHERE ticket_id IN (SELECT ticket_id FROM {self.table}"
                " WHERE created_at >= :start AND created_at < :end)"
            )
            start = datetime.combine(self.day, time(0), tzinfo=UTC)
            if engine.dialect.name == "mysql":  # DATETIME columns hold naive UTC
                start = start.replace(tzinfo=None)
            params = {"start": start, "end": start + timedelta(days=1)}
        try:
            with engine.connect() as conn:
                result = conn.execution_options(
                    stream_results=True, yield_per=self.chunk_rows
                ).execute(text(sql), params)
                for part in result.partitions(self.chunk_rows):
                    frame = pd.DataFrame.from_records(part, columns=INPUT_COLUMNS)
                    yield _check_frame(frame, self.describe(), None)
        except SQLAlchemyError as exc:
            raise ServiceError(
                f"{self.describe()}: {exc.__class__.__name__}: "
                f"{str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}"
            ) from None
        finally:
            engine.dispose()


def _driver_url(url: str) -> str:
    """Pick the drivers Riverbed ships: psycopg 3 for Postgres, PyMySQL for MySQL/MariaDB."""
    url = normalize_database_url(url)
    for prefix in ("mysql://", "mariadb://"):
        if url.startswith(prefix):
            return "mysql+pymysql://" + url[len(prefix) :]
    return url


def open_source(
    spec: str, *, table: str = "sav_messages", day: date | None = None
) -> MessageSource:
    """Turn `csv:PATH` or `db:URL` into a source (a db source reads only `day`'s tickets)."""
    kind, _, rest = spec.partition(":")
    if kind == "csv" and rest:
        return CsvSource(Path(rest))
    if kind == "db" and rest:
        return DatabaseSource(rest, table=table, day=day)
    raise UserInputError(f"invalid source {spec!r}: use csv:PATH or db:URL")
