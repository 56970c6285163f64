"""Prepare Postgres for capture: publication limited to the tables, heartbeat, replica identity."""

from __future__ import annotations

import logging
import time

import psycopg
from psycopg import sql

from riverbed.core.errors import ConfigurationError, ServiceError
from riverbed.ingestor.sync.settings import SyncSettings

__all__ = ["debezium_properties", "prepare_source", "slot_lag_bytes"]

log = logging.getLogger(__name__)


def _connect(settings: SyncSettings) -> psycopg.Connection:
    try:
        return psycopg.connect(settings.pg_url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise ServiceError(f"cannot connect to the source database: {exc}") from None


def _wait_slot_inactive(conn: psycopg.Connection, slot: str, timeout: float = 30.0) -> None:
    """Wait until no other consumer streams from `slot` (a killed one's walsender lingers)."""
    deadline = time.monotonic() + timeout
    while True:
        row = conn.execute(
            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s AND active",
            (slot,),
        ).fetchone()
        if row is None:
            return
        if time.monotonic() > deadline:
            raise ConfigurationError(
                f"replication slot {slot!r} is in use by another consumer (walsender pid"
                f" {row[0]}); stop it or choose another RIVERBED_INGESTOR_SLOT_NAME"
            )
        time.sleep(0.2)


def prepare_source(settings: SyncSettings) -> None:
    """Create the heartbeat table and the publication; set REPLICA IDENTITY FULL (idempotent).

    With `replica_identity="keep"` the tables' replica identity is left as it is.
    """
    schema = settings.source_schema
    with _connect(settings) as conn:
        level = conn.execute("SHOW wal_level").fetchone()
        if level is None or level[0] != "logical":
            raise ConfigurationError("the source database needs wal_level=logical")
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (id integer PRIMARY KEY,"
                " ts timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(schema, settings.heartbeat_table))
        )
        tables = [*settings.tables, settings.heartbeat_table]
        missing = [
            t
            for t in tables
            if conn.execute("SELECT to_regclass(%s)", (f"{schema}.{t}",)).fetchone() == (None,)
        ]
        if missing:
            raise ConfigurationError(
                f"captured table(s) not found in {schema}: {', '.join(missing)}"
                " (RIVERBED_INGESTOR_TABLES)"
            )
        slot = conn.execute(
            "SELECT database, plugin FROM pg_replication_slots WHERE slot_name = %s",
            (settings.slot_name,),
        ).fetchone()
        here = conn.execute("SELECT current_database()").fetchone()
        _wait_slot_inactive(conn, settings.slot_name)
        if slot is not None and here is not None and (slot[0] != here[0] or slot[1] != "pgoutput"):
            raise ConfigurationError(
                f"replication slot {settings.slot_name!r} already exists for database"
                f" {slot[0]!r} (plugin {slot[1]}); choose another RIVERBED_INGESTOR_SLOT_NAME"
                " or drop that slot"
            )
        idents = sql.SQL(", ").join(sql.Identifier(schema, t) for t in tables)
        exists = conn.execute(
            "SELECT 1 FROM pg_publication WHERE pubname = %s", (settings.publication_name,)
        ).fetchone()
        verb = (
            "ALTER PUBLICATION {} SET TABLE {}" if exists else "CREATE PUBLICATION {} FOR TABLE {}"
        )
        conn.execute(sql.SQL(verb).format(sql.Identifier(settings.publication_name), idents))
        for t in settings.tables if settings.replica_identity == "full" else ():
            conn.execute(
                sql.SQL("ALTER TABLE {} REPLICA IDENTITY FULL").format(sql.Identifier(schema, t))
            )
    log.info("source prepared", extra={"tables": list(settings.tables)})


def slot_lag_bytes(settings: SyncSettings) -> int | None:
    """Return how many WAL bytes the replication slot has not confirmed yet (None: no slot)."""
    with _connect(settings) as conn:
        row = conn.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
            " FROM pg_replication_slots WHERE slot_name = %s",
            (settings.slot_name,),
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def debezium_properties(settings: SyncSettings) -> dict[str, str]:
    """Return the embedded Debezium Postgres connector configuration."""
    info = psycopg.conninfo.conninfo_to_dict(settings.pg_url)
    schema = settings.source_schema
    tables = [*settings.tables, settings.heartbeat_table]
    heartbeat = f"{schema}.{settings.heartbeat_table}"
    settings.offsets_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "name": settings.server_name,
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "offset.storage": "org.apache.kafka.connect.storage.FileOffsetBackingStore",
        "offset.storage.file.filename": str(settings.offsets_path.absolute()),
        "offset.flush.interval.ms": "0",
        "database.hostname": str(info.get("host") or "127.0.0.1"),
        "database.port": str(info.get("port") or 5432),
        "database.user": str(info.get("user") or "postgres"),
        "database.password": str(info.get("password") or ""),
        "database.dbname": str(info.get("dbname") or "postgres"),
        "topic.prefix": settings.server_name,
        "plugin.name": "pgoutput",
        "slot.name": settings.slot_name,
        "publication.name": settings.publication_name,
        "publication.autocreate.mode": "disabled",
        "table.include.list": ",".join(f"{schema}.{t}" for t in tables),
        "snapshot.mode": settings.snapshot_mode,
        "decimal.handling.mode": "precise",
        "time.precision.mode": "adaptive_time_microseconds",
        "binary.handling.mode": "base64",
        "column.propagate.source.type": r".*",
        "skipped.operations": "none",
        "tombstones.on.delete": "false",
        "extended.headers.enabled": "false",
        "heartbeat.interval.ms": str(settings.heartbeat_interval_ms),
        "heartbeat.action.query": (
            f"INSERT INTO {heartbeat} (id, ts) VALUES (1, now())"
            " ON CONFLICT (id) DO UPDATE SET ts = excluded.ts"
        ),
        "max.batch.size": str(settings.max_batch_size),
        "max.queue.size": str(settings.max_queue_size),
        "poll.interval.ms": str(settings.poll_interval_ms),
        "errors.max.retries": "3",
    }
