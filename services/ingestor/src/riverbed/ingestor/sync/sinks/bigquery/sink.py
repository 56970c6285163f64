"""The BigQuery sink: mirror tables and change logs, one staging load + one MERGE per table.

Each batch loads one staging table per source table (a load job, no streaming buffer), then
runs ONE multi-statement transaction: per table an optional TRUNCATE update, the MERGE into the
mirror (LSN guard) and the change-log INSERT (skipping events already logged), plus the
append-only bookkeeping rows. A replayed batch therefore changes nothing, and a batch that
loses a DML race with another consumer instance is retried as a whole.
"""

from __future__ import annotations

import io
import logging
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import orjson
import pyarrow as pa
from google.api_core import exceptions as gexc
from google.cloud import bigquery

from riverbed.core.cdc import UNAVAILABLE, DeadLetter, Position
from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.collapse import row_image
from riverbed.ingestor.sync.sinks.base import ApplyResult, Sink, TableChanges, TableStatus
from riverbed.ingestor.sync.sinks.bigquery._client import BigQuerySettings, make_client
from riverbed.ingestor.sync.sinks.bigquery._sql import (
    STAGE_META,
    STATE_DDL,
    changelog_insert_sql,
    create_changelog_sql,
    create_mirror_sql,
    literal,
    merge_sql,
    q,
    truncate_sql,
)
from riverbed.ingestor.sync.sinks.bigquery._types import bq_type, json_value, stage_type

__all__ = ["BigQuerySink"]

log = logging.getLogger(__name__)

_META = ("_lsn", "_op_ts", "_deleted")
# Stored vs announced types the sink accepts as equal (JSON may be stored as STRING by
# emulators; NUMERIC and BIGNUMERIC both hold what Debezium sends for an unbounded numeric).
_COMPATIBLE = ({"STRING", "JSON"}, {"NUMERIC", "BIGNUMERIC"})
_STANDARD = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL"}  # legacy type names
_RETRYABLE = ("concurrent update", "could not serialize", "transaction is aborted", "conflict")


class BigQuerySink(Sink):
    """Write mirrors (`DATASET.table`) and change logs (`DATASET.table_changes`) to BigQuery."""

    NAME: ClassVar[str] = "bigquery"
    ATOMIC_BATCHES: ClassVar[bool] = True
    SET_BASED_MERGE: ClassVar[bool] = True
    SCHEMA_EVOLUTION: ClassVar[bool] = True  # added columns; type changes need a rebuild
    CONCURRENT_READERS: ClassVar[bool] = True

    def __init__(self, settings: BigQuerySettings, client: bigquery.Client | None = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        self.project = settings.project
        self.dataset = settings.dataset
        self._columns: dict[str, dict[str, str]] = {}
        self._logged: set[str] = set()  # tables whose change log this process ensured
        self._ready = False

    def describe(self) -> str:
        """Return the dataset, as `project.dataset`."""
        return f"{self.project}.{self.dataset}"

    # -- names --------------------------------------------------------------------------------
    def _t(self, name: str) -> str:
        return q(self.project, self.dataset, name)

    def _ref(self, name: str) -> str:
        return f"{self.project}.{self.dataset}.{name}"

    # -- setup --------------------------------------------------------------------------------
    def _setup(self) -> None:
        if self._ready:
            return
        ds = bigquery.Dataset(f"{self.project}.{self.dataset}")
        ds.location = self.settings.location
        try:
            self.client.create_dataset(ds, exists_ok=True)
            for name, cols in STATE_DDL.items():
                self._query(f"CREATE TABLE IF NOT EXISTS {self._t(name)} ({cols})")
        except gexc.GoogleAPICallError as exc:
            raise ServiceError(f"cannot prepare BigQuery dataset {ds.dataset_id}: {exc}") from None
        self._ready = True

    def _query(self, sql: str) -> list[Any]:
        job = self.client.query(sql)
        return list(job.result())

    def _known(self, table: str) -> dict[str, str] | None:
        """Return the mirror's source columns (from a zero-row query: DDL-accurate everywhere)."""
        if table not in self._columns:
            try:
                result = self.client.query(f"SELECT * FROM {self._t(table)} LIMIT 0").result()
            except gexc.NotFound:
                return None
            except gexc.BadRequest as exc:
                if "not found" in str(exc).lower() or "does not exist" in str(exc).lower():
                    return None
                raise
            self._columns[table] = {
                f.name: _STANDARD.get(f.field_type, f.field_type)
                for f in result.schema
                if f.name not in _META
            }
        return self._columns[table]

    def _desired(self, tc: TableChanges) -> list[tuple[str, str]]:
        if tc.columns is not None:
            types = [(c.name, bq_type(c)) for c in tc.columns]
            if not self.settings.bignumeric:
                types = [(n, "NUMERIC" if t == "BIGNUMERIC" else t) for n, t in types]
            return types
        known = dict(self._known(tc.table) or {})
        for ev in tc.events:
            for name in row_image(ev):
                known.setdefault(name, "STRING")
        return list(known.items())

    def _ensure_table(self, tc: TableChanges, result: ApplyResult) -> list[tuple[str, str]]:
        """Create the mirror and change log, or add new source columns (DDL is outside the tx).

        The mirror is what `_known` reads, so it is changed last: a consumer killed between two
        DDL statements finds the mirror without the change, and does it again on restart.
        """
        desired = self._desired(tc)
        existing = self._known(tc.table)
        if existing is None:
            self._query(create_changelog_sql(self._t(f"{tc.table}_changes"), desired))
            self._query(create_mirror_sql(self._t(tc.table), desired, tc.key_columns))
            self._columns[tc.table] = dict(desired)
            self._logged.add(tc.table)
            return desired
        if tc.table not in self._logged:  # a mirror left by an older version killed mid-DDL
            self._query(
                create_changelog_sql(self._t(f"{tc.table}_changes"), list(existing.items()))
            )
            self._logged.add(tc.table)
        out = []
        for name, typ in desired:
            old = existing.get(name)
            if old is None:
                for target in (f"{tc.table}_changes", tc.table):
                    self._query(
                        f"ALTER TABLE {self._t(target)} ADD COLUMN IF NOT EXISTS `{name}` {typ}"
                    )
                existing[name] = typ
                result.schema_changes.append(f"{tc.table}.{name}: added")
                self._log_schema_change(tc.table, name, "added", None, typ)
            elif old != typ and {old, typ} not in _COMPATIBLE:
                raise ServiceError(
                    f"column {tc.table}.{name} changed type in the source ({old} -> {typ});"
                    f" BigQuery cannot follow: rebuild {self.dataset}.{tc.table} and re-snapshot"
                )
            # A compatible stored type wins (e.g. an emulator that stores JSON as STRING).
            out.append((name, existing.get(name, typ)))
        return out

    def _log_schema_change(
        self, table: str, column: str, change: str, old: str | None, new: str | None
    ) -> None:
        self._query(
            f"INSERT INTO {self._t('_sync_schema_changes')} VALUES (CURRENT_TIMESTAMP(),"
            f" {literal(table)}, {literal(column)}, {literal(change)}, {literal(old)},"
            f" {literal(new)})"
        )

    # -- staging ------------------------------------------------------------------------------
    def _stage_rows(self, tc: TableChanges, cols: list[tuple[str, str]]) -> list[dict[str, Any]]:
        keys = set(tc.key_columns)
        rows_ids = {id(ev) for ev in tc.rows}
        log_ids = {id(ev) for ev in tc.events}
        ordered = list(tc.events) + [ev for ev in tc.rows if id(ev) not in log_ids]
        out = []
        for seq, ev in enumerate(ordered):
            image = row_image(ev) if ev.op != "t" else {}
            missing = []
            rec: dict[str, Any] = {}
            for name, typ in cols:
                v = image.get(name, UNAVAILABLE)
                if v is UNAVAILABLE or (ev.op == "d" and name not in keys):
                    missing.append(name)
                rec[name] = None if v is UNAVAILABLE else json_value(v, typ)
            rec.update(
                _op=ev.op,
                _lsn=ev.lsn,
                _tx_id=ev.tx_id,
                _commit_ts=json_value(ev.commit_ts, "TIMESTAMP"),
                _source_ts=json_value(ev.source_ts, "TIMESTAMP"),
                _snapshot=ev.snapshot,
                _deleted=ev.op == "d",
                _unavailable="," + ",".join(missing) + "," if missing else ",",
                _row=id(ev) in rows_ids and ev.op != "t",
                _log=id(ev) in log_ids,
                _seq=seq,
            )
            out.append(rec)
        return out

    def _load_stage(self, tc: TableChanges, cols: list[tuple[str, str]]) -> str:
        name = f"_stage_{tc.table}_{uuid.uuid4().hex[:12]}"
        schema = [bigquery.SchemaField(n, stage_type(t)) for n, t in cols]
        schema += [bigquery.SchemaField(n, t) for n, t in STAGE_META]
        table = bigquery.Table(self._ref(name), schema=schema)
        table.expires = datetime.now(UTC) + timedelta(seconds=self.settings.staging_expiration_s)
        self.client.create_table(table)
        data = b"\n".join(orjson.dumps(r) for r in self._stage_rows(tc, cols))
        config = bigquery.LoadJobConfig(
            schema=schema,
            source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        )
        # No `size`: the client uses a resumable upload (works against emulators too).
        job = self.client.load_table_from_file(io.BytesIO(data), self._ref(name), job_config=config)
        job.result()
        return name

    # -- apply --------------------------------------------------------------------------------
    def _table_statements(
        self, tc: TableChanges, cols: list[tuple[str, str]], stage: str, now: datetime
    ) -> list[str]:
        target = self._t(tc.table)
        out = []
        if tc.truncate is not None and tc.truncate.lsn is not None:
            ts = tc.truncate.commit_ts.isoformat() if tc.truncate.commit_ts else None
            out.append(truncate_sql(target, tc.truncate.lsn, ts))
        partial = True  # deletes and unchanged TOAST values keep stored columns
        if tc.rows:
            out.append(merge_sql(target, self._t(stage), cols, tc.key_columns, partial=partial))
        lsns = [ev.lsn for ev in tc.events if ev.lsn is not None]
        if lsns:
            out.append(
                changelog_insert_sql(
                    self._t(f"{tc.table}_changes"),
                    self._t(stage),
                    cols,
                    tc.key_columns,
                    min(lsns),
                    max(lsns),
                )
            )
        commit_ts = max((ev.commit_ts for ev in tc.events if ev.commit_ts), default=None)
        lag = (now - commit_ts).total_seconds() if commit_ts else None
        ts_lit = (
            f"TIMESTAMP {orjson.dumps(commit_ts.isoformat()).decode()}" if commit_ts else "NULL"
        )
        out.append(
            f"INSERT INTO {self._t('_sync_applied')} VALUES ({literal(tc.table)},"
            f" {int(tc.position[0])}, {literal(tc.position[1] or None)}, {ts_lit},"
            f" CURRENT_TIMESTAMP(), {'NULL' if lag is None else repr(float(lag))},"
            f" {len(tc.events)})"
        )
        return out

    def _dead_letter_statement(self, dead: Sequence[DeadLetter]) -> str:
        rows = [
            f"(CURRENT_TIMESTAMP(), {literal(d.topic)}, {literal(d.table)},"
            f" {literal(d.reason)}, {literal(d.key)}, {literal(d.value)})"
            for d in dead
        ]
        return f"INSERT INTO {self._t('_sync_dead_letters')} VALUES {', '.join(rows)}"

    def _run_transaction(self, statements: list[str]) -> None:
        script = "BEGIN TRANSACTION;\n" + ";\n".join(statements) + ";\nCOMMIT TRANSACTION;"
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                self._query(script)
                return
            except (gexc.BadRequest, gexc.Conflict, gexc.InternalServerError) as exc:
                message = str(exc).lower()
                if attempt == self.settings.max_attempts or not any(
                    r in message for r in _RETRYABLE
                ):
                    raise
                delay = min(30.0, 0.5 * 2**attempt) * (0.5 + random.random())
                log.warning("batch lost a DML race (%s); retrying in %.1fs", exc, delay)
                time.sleep(delay)

    def apply(
        self, changes: Sequence[TableChanges], dead_letters: Sequence[DeadLetter]
    ) -> ApplyResult:
        """Stage every table, then apply the batch in one BigQuery transaction."""
        self._setup()
        result = ApplyResult(dead_letters=len(dead_letters))
        now = datetime.now(UTC)
        stages: list[str] = []
        statements: list[str] = []
        ended = self.snapshot_ended(changes)
        try:
            for tc in changes:
                cols = self._ensure_table(tc, result)
                stage = self._load_stage(tc, cols)
                stages.append(stage)
                statements += self._table_statements(tc, cols, stage, now)
                result.applied[tc.table] = len(tc.rows)
                result.logged[tc.table] = len(tc.events)
            if ended is not None:  # rows a new snapshot did not see were deleted meanwhile
                lsn, tables = ended
                statements += [
                    truncate_sql(self._t(t), lsn, now.isoformat())
                    for t in tables
                    if self._known(t) is not None
                ]
            if dead_letters:
                statements.append(self._dead_letter_statement(dead_letters))
            if statements:
                self._run_transaction(statements)
                if ended is not None:
                    self.snapshot_reconciled()
                    log.info(
                        "snapshot ended: rows it did not see marked deleted",
                        extra={"tables": ended[1], "lsn": ended[0]},
                    )
        except gexc.GoogleAPICallError as exc:
            self._columns.clear()
            raise ServiceError(f"BigQuery batch failed: {exc}") from exc
        finally:
            for stage in stages:
                try:
                    self.client.delete_table(self._ref(stage), not_found_ok=True)
                except gexc.GoogleAPICallError as exc:  # it expires by itself anyway
                    log.warning("could not drop staging table %s: %s", stage, exc)
        return result

    # -- reading ------------------------------------------------------------------------------
    def positions(self) -> dict[str, Position]:
        """Return the last committed position per table."""
        self._setup()
        rows = self._query(
            f"SELECT table_name, MAX(last_commit_lsn), MAX(last_lsn)"
            f" FROM {self._t('_sync_applied')} GROUP BY table_name"
        )
        return {r[0]: (r[1] or 0, r[2] or 0) for r in rows}

    def mirror_tables(self) -> list[str]:
        """Return the mirror tables of the dataset."""
        self._setup()
        names = [t.table_id for t in self.client.list_tables(f"{self.project}.{self.dataset}")]
        return sorted(n for n in names if not n.startswith("_") and not n.endswith("_changes"))

    def status(self) -> list[TableStatus]:
        """Return rows, deletes and the last applied LSN of every mirror table."""
        state = {
            r[0]: r
            for r in self._query(
                f"SELECT table_name, MAX(last_lsn), MAX(last_commit_ts), MAX(applied_at),"
                f" ARRAY_AGG(lag_s ORDER BY applied_at DESC LIMIT 1)[OFFSET(0)]"
                f" FROM {self._t('_sync_applied')} GROUP BY table_name"
            )
        }
        out = []
        for t in self.mirror_tables():
            row = self._query(f"SELECT COUNTIF(NOT _deleted), COUNTIF(_deleted) FROM {self._t(t)}")[
                0
            ]
            st = state.get(t, (t, None, None, None, None))
            out.append(TableStatus(t, int(row[0] or 0), int(row[1] or 0), *st[1:5]))
        return out

    def columns(self, table: str) -> dict[str, str]:
        """Return the source columns of one mirror table with their BigQuery types."""
        self._columns.pop(table, None)
        return dict(self._known(table) or {})

    def read_live(self, table: str, columns: Sequence[str]) -> pa.Table:
        """Return the live rows of one mirror table."""
        cols = ", ".join(f"`{c}`" for c in columns)
        job = self.client.query(f"SELECT {cols} FROM {self._t(table)} WHERE NOT _deleted")
        return job.result().to_arrow(create_bqstorage_client=False)

    def dead_letters(self, limit: int = 100) -> list[Mapping[str, Any]]:
        """Return the newest dead letters."""
        self._setup()
        rows = self.client.query(
            f"SELECT * FROM {self._t('_sync_dead_letters')}"
            f" ORDER BY received_at DESC LIMIT {int(limit)}"
        ).result()
        return [dict(r.items()) for r in rows]

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()
