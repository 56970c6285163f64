"""Load reviews into SQLite or Postgres: streaming, COPY on Postgres, idempotent, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from riverbed.api.reviews._readers import Record, Source, normalize
from riverbed.api.reviews._schema import COLUMNS, TABLE
from riverbed.core.errors import DataError
from riverbed.core.migrations import upgrade
from riverbed.core.web._db import make_engine

__all__ = ["LoadResult", "load_source"]

log = logging.getLogger(__name__)
_COLS = ", ".join(f'"{c}"' for c in COLUMNS)
_STAGE = "reviews_load"
# A review is already stored when the same reviewer reviewed the same product at the same time.
_INSERT_NEW = f"""
INSERT INTO "{TABLE}" ({_COLS})
SELECT {_COLS} FROM {_STAGE} s
WHERE NOT EXISTS (
    SELECT 1 FROM "{TABLE}" r
    WHERE r."productID" = s."productID"
      AND r."unixReviewTime" = s."unixReviewTime"
      AND r."reviewerID" = s."reviewerID"
)
"""
MAX_REPORTED = 20


@dataclass
class LoadResult:
    """What a load read, inserted, found already stored, and rejected."""

    read: int = 0
    inserted: int = 0
    bad: list[DataError] = field(default_factory=list)
    bad_count: int = 0

    @property
    def already_stored(self) -> int:
        """Valid records skipped because an identical review is stored."""
        return self.read - self.bad_count - self.inserted


def _valid(
    source: Source, base: int, result: LoadResult, tick: Callable[[], None]
) -> Iterator[Record]:
    seq = 0
    for line, raw in source.records:
        result.read += 1
        if result.read % 2000 == 0:
            tick()
        try:
            rec = normalize(raw, line, source.label, seq)
        except DataError as exc:
            result.bad_count += 1
            if len(result.bad) < MAX_REPORTED:
                result.bad.append(exc)
            continue
        yield (base + seq, *rec[1:])
        seq += 1
    tick()


def _bad_report(result: LoadResult) -> str:
    lines = [f"  {e}" for e in result.bad]
    if result.bad_count > len(result.bad):
        lines.append(f"  ... and {result.bad_count - len(result.bad)} more")
    return f"{result.bad_count} bad record(s):\n" + "\n".join(lines)


def load_source(
    source: Source,
    url: str,
    *,
    skip_bad: bool = False,
    migrate: bool = True,
    tick: Callable[[], None] = lambda: None,
    batch_size: int = 5000,
) -> LoadResult:
    """Insert the source's reviews not stored yet; bad records abort unless `skip_bad`."""
    if migrate:
        upgrade(url, "reviews@head")
    engine = make_engine(url)
    result = LoadResult()
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.execute(text(f'LOCK TABLE "{TABLE}" IN SHARE ROW EXCLUSIVE MODE'))
            empty = conn.execute(text(f'SELECT 1 FROM "{TABLE}" LIMIT 1')).first() is None
            base = conn.execute(text(f'SELECT COALESCE(MAX("level_0") + 1, 0) FROM "{TABLE}"'))
            rows = _valid(source, int(base.scalar_one()), result, tick)
            target = f'"{TABLE}"' if empty else _STAGE
            if not empty:
                _create_stage(conn, postgres)
            if postgres:
                _copy(conn, target, rows)
            else:
                _insert_batches(conn, target, rows, batch_size)
            if result.bad_count and not skip_bad:
                raise DataError(
                    _bad_report(result) + "\nnothing was written (use --skip-bad "
                    "to load the valid records)"
                )
            if empty:
                result.inserted = result.read - result.bad_count
            else:
                result.inserted = conn.execute(text(_INSERT_NEW)).rowcount
        if result.bad_count:
            log.warning("skipped %s", _bad_report(result))
    finally:
        engine.dispose()
    return result


def _create_stage(conn: Connection, postgres: bool) -> None:
    if postgres:
        conn.execute(text(f'CREATE TEMP TABLE {_STAGE} (LIKE "{TABLE}") ON COMMIT DROP'))
    else:
        conn.execute(text(f"DROP TABLE IF EXISTS temp.{_STAGE}"))
        conn.execute(text(f'CREATE TEMP TABLE {_STAGE} AS SELECT {_COLS} FROM "{TABLE}" WHERE 0'))


def _copy(conn: Connection, target: str, rows: Iterator[Record]) -> None:
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cur, cur.copy(f"COPY {target} ({_COLS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_batches(conn: Connection, target: str, rows: Iterator[Record], size: int) -> None:
    sql = f"INSERT INTO {target} ({_COLS}) VALUES ({', '.join('?' * len(COLUMNS))})"
    dbapi: Any = conn.connection.driver_connection
    batch: list[Record] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            dbapi.executemany(sql, batch)
            batch.clear()
    if batch:
        dbapi.executemany(sql, batch)
