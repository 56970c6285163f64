"""The DuckDB sink: `mirror.<table>` upserted by MERGE from Arrow, `changelog.<table>` appended."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from riverbed.core.cdc import (
    UNAVAILABLE,
    ChangeEvent,
    DeadLetter,
    Position,
    WarehouseLock,
    read_warehouse,
)
from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.collapse import row_image
from riverbed.ingestor.sync.sinks.base import ApplyResult, Sink, TableChanges, TableStatus
from riverbed.ingestor.sync.sinks.duckdb._sql import (
    changelog_insert_sql,
    create_changelog_sql,
    create_mirror_sql,
    merge_sql,
    q,
)
from riverbed.ingestor.sync.sinks.duckdb._types import canonical_type, duck_type, to_arrow_values

__all__ = ["DuckDBSink", "SchemaChangeError"]

log = logging.getLogger(__name__)
_STATE_SQL = files(__package__).joinpath("state.sql").read_text()


class SchemaChangeError(ServiceError):
    """A source column changed type in a way the mirror cannot follow."""


class DuckDBSink(Sink):
    """Write mirrors and change logs into one DuckDB file, holding it only while busy."""

    NAME: ClassVar[str] = "duckdb"
    ATOMIC_BATCHES: ClassVar[bool] = True
    SET_BASED_MERGE: ClassVar[bool] = True
    SCHEMA_EVOLUTION: ClassVar[bool] = True
    CONCURRENT_READERS: ClassVar[bool] = True

    def __init__(
        self,
        path: Path,
        *,
        mirror_schema: str = "mirror",
        changelog_schema: str = "changelog",
        reader_wait_s: float = 5.0,
    ) -> None:
        self.path = Path(path)
        self.mirror_schema = mirror_schema
        self.changelog_schema = changelog_schema
        self.reader_wait_s = reader_wait_s
        self.lock = WarehouseLock(self.path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._columns: dict[str, dict[str, str]] = {}  # table -> column -> DuckDB type
        self._dropped: dict[str, set[str]] = {}

    def describe(self) -> str:
        """Return the warehouse file."""
        return str(self.path)

    # -- connection ---------------------------------------------------------------------------
    def _writer(self) -> duckdb.DuckDBPyConnection:
        if self._con is not None and self.lock.readers_waiting():
            self.release()
        if self._con is None:
            self.lock.acquire_writer(self.reader_wait_s)
            try:
                con = duckdb.connect(str(self.path))
                con.execute(_STATE_SQL)
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {q(self.mirror_schema)}")
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {q(self.changelog_schema)}")
            except BaseException:
                self.lock.release_writer()
                raise
            self._con = con
            self._load_columns(con)
        return self._con

    def _load_columns(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = ? ORDER BY table_name, ordinal_position",
            [self.mirror_schema],
        ).fetchall()
        self._columns = {}
        for table, column, dtype in rows:
            if column not in ("_lsn", "_op_ts", "_deleted"):
                self._columns.setdefault(table, {})[column] = canonical_type(dtype)

    def release(self) -> None:
        """Close the connection and let readers in (called when idle)."""
        if self._con is not None:
            self._con.close()
            self._con = None
        self.lock.release_writer()

    def close(self) -> None:
        """Release the file."""
        self.release()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._con is not None:
            yield self._con
        else:
            with read_warehouse(self.path) as con:
                yield con

    # -- schema -------------------------------------------------------------------------------
    def _record_change(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        column: str,
        change: str,
        old: str | None,
        new: str | None,
        detail: str = "",
    ) -> str:
        con.execute(
            "INSERT INTO riverbed_sync.schema_changes VALUES (now(), ?, ?, ?, ?, ?, ?)",
            [table, column, change, old, new, detail],
        )
        msg = f"{table}.{column}: {change}" + (f" ({old} -> {new})" if old or new else "")
        log.warning("schema change %s", msg, extra={"table": table, "column": column})
        return msg

    def _desired(self, tc: TableChanges) -> list[tuple[str, str]]:
        if tc.columns is not None:
            return [(c.name, duck_type(c)) for c in tc.columns]
        known = dict(self._columns.get(tc.table, {}))
        for ev in tc.events:
            for name in row_image(ev):
                known.setdefault(name, "VARCHAR")
        return list(known.items())

    def _ensure_table(
        self, con: duckdb.DuckDBPyConnection, tc: TableChanges, result: ApplyResult
    ) -> list[tuple[str, str]]:
        desired = self._desired(tc)
        mirror = f"{q(self.mirror_schema)}.{q(tc.table)}"
        changelog = f"{q(self.changelog_schema)}.{q(tc.table)}"
        existing = self._columns.get(tc.table)
        if existing is None:
            con.execute(create_mirror_sql(mirror, desired, tc.key_columns))
            con.execute(create_changelog_sql(changelog, desired))
            self._columns[tc.table] = dict(desired)
            return desired
        for name, typ in desired:
            old = existing.get(name)
            if old is None:
                con.execute(f"ALTER TABLE {mirror} ADD COLUMN {q(name)} {typ}")
                con.execute(f"ALTER TABLE {changelog} ADD COLUMN IF NOT EXISTS {q(name)} {typ}")
                existing[name] = typ
                result.schema_changes.append(
                    self._record_change(con, tc.table, name, "added", None, typ)
                )
                self._dropped.get(tc.table, set()).discard(name)
            elif old != typ:
                try:
                    con.execute(f"ALTER TABLE {mirror} ALTER COLUMN {q(name)} TYPE {typ}")
                    con.execute(f"ALTER TABLE {changelog} ALTER COLUMN {q(name)} TYPE {typ}")
                except duckdb.Error as exc:
                    raise SchemaChangeError(
                        f"column {tc.table}.{name} changed type in the source ({old} -> {typ})"
                        f" and the mirror cannot follow: {exc}. Rebuild the mirror table"
                        f" (DROP TABLE {self.mirror_schema}.{tc.table} and re-snapshot)."
                    ) from None
                existing[name] = typ
                result.schema_changes.append(
                    self._record_change(con, tc.table, name, "type_changed", old, typ)
                )
        if tc.columns is not None:
            present = {n for n, _ in desired}
            gone = self._dropped.setdefault(tc.table, set())
            for name in existing:
                if name not in present and name not in gone:
                    gone.add(name)
                    result.schema_changes.append(
                        self._record_change(
                            con,
                            tc.table,
                            name,
                            "dropped",
                            existing[name],
                            None,
                            "no longer written; existing values kept",
                        )
                    )
        return desired

    # -- apply --------------------------------------------------------------------------------
    @staticmethod
    def _image_columns(
        events: Sequence[ChangeEvent], names: Sequence[str]
    ) -> tuple[dict[str, list[Any]], dict[str, set[int]]]:
        """Return the events' row images column by column, and where each column has no value.

        A value that is UNAVAILABLE (unchanged TOAST) or absent becomes None; the positions of
        those events are listed per column (only columns that have any).
        """
        images = [row_image(ev) if ev.op != "t" else {} for ev in events]
        data: dict[str, list[Any]] = {}
        gaps: dict[str, set[int]] = {}
        for n in names:  # column by column: one comprehension per column, not per value
            col = [img.get(n, UNAVAILABLE) for img in images]
            if UNAVAILABLE in col:
                gaps[n] = {i for i, v in enumerate(col) if v is UNAVAILABLE}
                col = [None if v is UNAVAILABLE else v for v in col]
            data[n] = col
        return data, gaps

    def _rows_table(
        self,
        tc: TableChanges,
        cols: list[tuple[str, str]],
        logged: tuple[pa.Table, dict[str, set[int]]] | None,
    ) -> tuple[pa.Table, bool]:
        """Return the collapsed rows to MERGE, taken from the change-log table when it has them."""
        names = [n for n, _ in cols]
        rows = tc.rows
        at = {id(ev): i for i, ev in enumerate(tc.events)}
        idx = [at.get(id(ev), -1) for ev in rows]
        if logged is not None and -1 not in idx:
            events, gaps = logged  # every row is a logged event: no second pass over images
            values = events.select([*names, "_lsn", "_commit_ts"]).take(pa.array(idx, pa.int64()))
            arrays: list[pa.Array | pa.ChunkedArray] = list(values.columns)
        else:  # rows the change log does not hold (tombstones)
            data, gaps = self._image_columns(rows, names)
            idx = list(range(len(rows)))
            arrays = [to_arrow_values(data[n], t) for n, t in cols] + [
                pa.array([ev.lsn for ev in rows], pa.int64()),
                pa.array([ev.commit_ts for ev in rows], pa.timestamp("us", tz="UTC")),
            ]
        unavailable: list[list[str]] = [[] for _ in rows]
        for n, where in gaps.items():
            for r, i in enumerate(idx):
                if i in where:
                    unavailable[r].append(n)
        # a delete keeps the stored values (its before image may hold only defaults under
        # REPLICA IDENTITY DEFAULT); they only fill new rows
        keys = set(tc.key_columns)
        kept = [n for n in names if n not in keys]  # one list shared by the deletes' rows
        for r, ev in enumerate(rows):
            if ev.op == "d":
                have = unavailable[r]
                unavailable[r] = have + [n for n in kept if n not in have] if have else kept
        arrays += [  # after the columns, _lsn and _op_ts (the commit time)
            pa.array([ev.op == "d" for ev in rows], pa.bool_()),
            pa.array(unavailable, pa.list_(pa.string())),
        ]
        return pa.Table.from_arrays(
            arrays, [*names, "_lsn", "_op_ts", "_deleted", "_unavailable"]
        ), any(unavailable)

    def _events_table(
        self, tc: TableChanges, cols: list[tuple[str, str]], now: datetime
    ) -> tuple[pa.Table, dict[str, set[int]]]:
        """Return every event of the batch for the change log, and the gaps of its columns."""
        data, gaps = self._image_columns(tc.events, [n for n, _ in cols])
        evs = tc.events
        arrays = [to_arrow_values(data[n], t) for n, t in cols] + [
            pa.array([e.op for e in evs], pa.string()),
            pa.array([e.lsn for e in evs], pa.int64()),
            pa.array([e.tx_id for e in evs], pa.int64()),
            pa.array([e.commit_ts for e in evs], pa.timestamp("us", tz="UTC")),
            pa.array([e.source_ts for e in evs], pa.timestamp("us", tz="UTC")),
            pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), len(evs)),
            pa.array([e.snapshot for e in evs], pa.bool_()),
        ]
        meta = ["_op", "_lsn", "_tx_id", "_commit_ts", "_source_ts", "_applied_at", "_snapshot"]
        return pa.Table.from_arrays(arrays, [*[n for n, _ in cols], *meta]), gaps

    def _apply_table(
        self, con: duckdb.DuckDBPyConnection, tc: TableChanges, result: ApplyResult, now: datetime
    ) -> None:
        cols = self._ensure_table(con, tc, result)
        mirror = f"{q(self.mirror_schema)}.{q(tc.table)}"
        if tc.truncate is not None:
            self._delete_older(con, tc.table, tc.truncate.lsn, tc.truncate.commit_ts)
        logged = self._events_table(tc, cols, now) if tc.events else None
        if tc.rows:
            s, partial = self._rows_table(tc, cols, logged)
            con.register("s", s)
            try:
                con.execute(
                    merge_sql(mirror, [n for n, _ in cols], tc.key_columns, partial=partial)
                )
            finally:
                con.unregister("s")
        lsns = [ev.lsn for ev in tc.events if ev.lsn is not None]
        if logged is not None and lsns:
            e = logged[0]
            con.register("e", e)
            try:
                con.execute(
                    changelog_insert_sql(
                        f"{q(self.changelog_schema)}.{q(tc.table)}",
                        [n for n, _ in cols],
                        tc.key_columns,
                    ),
                    {"lo": min(lsns), "hi": max(lsns)},
                )
            finally:
                con.unregister("e")
        commit_ts = max((ev.commit_ts for ev in tc.events if ev.commit_ts), default=None)
        lag = (now - commit_ts).total_seconds() if commit_ts else None
        con.execute(
            "INSERT INTO riverbed_sync.tables VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name)"
            " DO UPDATE SET last_commit_lsn = greatest(tables.last_commit_lsn, excluded.last_commit_lsn),"
            " last_lsn = greatest(tables.last_lsn, excluded.last_lsn),"
            " last_commit_ts = greatest(tables.last_commit_ts, excluded.last_commit_ts),"
            " last_applied_at = excluded.last_applied_at, last_lag_s = excluded.last_lag_s,"
            " events_total = tables.events_total + excluded.events_total",
            [tc.table, tc.position[0], tc.position[1] or None, commit_ts, now, lag, len(tc.events)],
        )
        result.applied[tc.table] = len(tc.rows)
        result.logged[tc.table] = len(tc.events)

    def _delete_older(
        self, con: duckdb.DuckDBPyConnection, table: str, lsn: int | None, ts: datetime | None
    ) -> int:
        """Mark deleted the rows of `table` older than `lsn` (a TRUNCATE, a new snapshot)."""
        row = con.execute(
            f"UPDATE {q(self.mirror_schema)}.{q(table)} SET _deleted = true, _lsn = ?, _op_ts = ?"
            " WHERE _lsn IS NULL OR _lsn < ?",
            [lsn, ts, lsn],
        ).fetchone()
        return int(row[0]) if row else 0

    def apply(
        self, changes: Sequence[TableChanges], dead_letters: Sequence[DeadLetter]
    ) -> ApplyResult:
        """Apply every table's changes, the dead letters and positions in one transaction."""
        con = self._writer()
        result = ApplyResult(dead_letters=len(dead_letters))
        now = datetime.now(UTC)
        ended = self.snapshot_ended(changes)
        con.begin()
        try:
            for tc in changes:
                self._apply_table(con, tc, result, now)
            if ended is not None:
                lsn, tables = ended
                for table in tables:
                    if table not in self._columns:
                        continue  # never mirrored: nothing to reconcile
                    gone = self._delete_older(con, table, lsn, now)
                    if gone:
                        log.info(
                            "snapshot ended: rows it did not see marked deleted",
                            extra={"table": table, "rows": gone, "lsn": lsn},
                        )
            if dead_letters:
                con.executemany(  # dead letters are rare and small; not the hot path
                    "INSERT INTO riverbed_sync.dead_letters VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        [now, d.topic, d.table, d.partition, d.offset, d.reason, d.key, d.value]
                        for d in dead_letters
                    ],
                )
            con.commit()
        except BaseException:
            con.rollback()
            self._load_columns(con)
            raise
        if ended is not None:
            self.snapshot_reconciled()
        return result

    # -- reading ------------------------------------------------------------------------------
    def positions(self) -> dict[str, Position]:
        """Return the last committed position per table."""
        if not self.path.exists():
            return {}
        with self._reading() as con:
            try:
                rows = con.execute(
                    "SELECT table_name, last_commit_lsn, last_lsn FROM riverbed_sync.tables"
                ).fetchall()
            except duckdb.CatalogException:
                return {}
        return {t: (a or 0, b or 0) for t, a, b in rows}

    def status(self) -> list[TableStatus]:
        """Return rows, deletes and the last applied LSN of every mirror table."""
        if not self.path.exists():
            return []
        out = []
        with self._reading() as con:
            try:
                state = {
                    r[0]: r
                    for r in con.execute(
                        "SELECT table_name, last_lsn, last_commit_ts, last_applied_at, last_lag_s"
                        " FROM riverbed_sync.tables"
                    ).fetchall()
                }
            except duckdb.CatalogException:
                return []
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                    " ORDER BY table_name",
                    [self.mirror_schema],
                ).fetchall()
            ]
            for t in tables:
                live, dead = con.execute(
                    f"SELECT count(*) FILTER (NOT _deleted), count(*) FILTER (_deleted)"
                    f" FROM {q(self.mirror_schema)}.{q(t)}"
                ).fetchone() or (0, 0)
                st = state.get(t, (t, None, None, None, None))
                out.append(TableStatus(t, int(live), int(dead), st[1], st[2], st[3], st[4]))
        return out

    def columns(self, table: str) -> dict[str, str]:
        """Return the source columns of one mirror table with their DuckDB types."""
        with self._reading() as con:
            rows = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [self.mirror_schema, table],
            ).fetchall()
        return {c: t for c, t in rows if c not in ("_lsn", "_op_ts", "_deleted")}

    def read_live(self, table: str, columns: Sequence[str]) -> pa.Table:
        """Return the live rows of one mirror table."""
        cols = ", ".join(q(c) for c in columns)
        with self._reading() as con:
            return con.sql(
                f"SELECT {cols} FROM {q(self.mirror_schema)}.{q(table)} WHERE NOT _deleted"
            ).to_arrow_table()

    def read_rows(self, table: str, columns: Sequence[str]) -> pa.Table:
        """Return every row of one mirror table (deleted ones too), in key order."""
        cols = ", ".join(q(c) for c in columns)
        with self._reading() as con:
            return con.sql(
                f"SELECT {cols} FROM {q(self.mirror_schema)}.{q(table)} ORDER BY ALL"
            ).to_arrow_table()

    def dead_letters(self, limit: int = 100) -> list[Mapping[str, Any]]:
        """Return the newest dead letters."""
        if not self.path.exists():
            return []
        with self._reading() as con:
            cur = con.execute(
                "SELECT * FROM riverbed_sync.dead_letters ORDER BY received_at DESC LIMIT ?",
                [limit],
            )
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def schema_changes(self) -> list[Mapping[str, Any]]:
        """Return every schema change detected so far."""
        if not self.path.exists():
            return []
        with self._reading() as con:
            cur = con.execute("SELECT * FROM riverbed_sync.schema_changes ORDER BY detected_at")
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
