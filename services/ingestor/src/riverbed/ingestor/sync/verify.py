"""Compare every captured Postgres table with its DuckDB mirror: counts, content hash, keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import psycopg
from psycopg import sql

from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink

__all__ = ["TableDiff", "verify_tables"]

_MAX_KEYS = 20


@dataclass
class TableDiff:
    """The comparison of one table."""

    table: str
    source_rows: int
    mirror_rows: int
    source_hash: str
    mirror_hash: str
    missing: list[Any] = field(default_factory=list)  # in Postgres, not in the mirror
    extra: list[Any] = field(default_factory=list)  # in the mirror, not in Postgres
    changed: list[Any] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the mirror equals the source."""
        return self.source_hash == self.mirror_hash and not self.missing_columns


def _norm(v: Any) -> Any:
    if isinstance(v, datetime):
        return (v.astimezone(UTC) if v.tzinfo else v).isoformat()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v.is_finite() else str(v)
    if isinstance(v, (bytes, memoryview, bytearray)):
        return bytes(v).hex()
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (dict, list)):
        return orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()
    if isinstance(v, (int, str, bool)) or v is None:
        return v
    return str(v)


def _digest(rows: Sequence[Sequence[Any]], nkeys: int) -> tuple[str, dict[Any, str]]:
    per_key: dict[Any, str] = {}
    for r in rows:
        values = [_norm(v) for v in r]
        key = tuple(values[:nkeys])
        per_key[key] = hashlib.sha1(orjson.dumps(values)).hexdigest()
    h = hashlib.sha256()
    for key in sorted(per_key, key=lambda k: orjson.dumps(k)):
        h.update(per_key[key].encode())
    return h.hexdigest(), per_key


def _pg_table(conn: psycopg.Connection, schema: str, table: str) -> tuple[list[str], list[str]]:
    cols = [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (schema, table),
        ).fetchall()
    ]
    keys = [
        r[0]
        for r in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
            (f"{schema}.{table}",),
        ).fetchall()
    ]
    return cols, keys


def verify_tables(settings: SyncSettings, sink: Any = None) -> list[TableDiff]:
    """Compare each captured table with its mirror."""
    sink = sink or DuckDBSink(settings.warehouse_path, mirror_schema=settings.mirror_schema)
    out = []
    try:
        conn = psycopg.connect(settings.pg_url, connect_timeout=10)
    except psycopg.Error as exc:
        raise ServiceError(f"cannot connect to the source database: {exc}") from None
    with conn:
        for table in settings.tables:
            cols, keys = _pg_table(conn, settings.source_schema, table)
            if not cols:
                raise ServiceError(f"captured table {settings.source_schema}.{table} not found")
            # issue 8: a non-file sink (BigQuery) is always there to ask
            has_store = not isinstance(sink, DuckDBSink) or settings.warehouse_path.exists()
            mirror_cols = sink.columns(table) if has_store else {}
            common = [c for c in cols if c in mirror_cols]
            ordered = keys + [c for c in common if c not in keys]
            missing_cols = [c for c in cols if c not in mirror_cols]
            query = sql.SQL("SELECT {} FROM {}").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in (ordered or keys or cols)),
                sql.Identifier(settings.source_schema, table),
            )
            src_rows = conn.execute(query).fetchall()
            if not mirror_cols:
                mirror_rows: list[tuple[Any, ...]] = []
            else:
                mirror_rows = [
                    tuple(r.values()) for r in sink.read_live(table, ordered).to_pylist()
                ]
            src_hash, src_keys = _digest(src_rows, len(keys))
            dst_hash, dst_keys = _digest(mirror_rows, len(keys))
            diff = TableDiff(
                table=table,
                source_rows=len(src_rows),
                mirror_rows=len(mirror_rows),
                source_hash=src_hash,
                mirror_hash=dst_hash,
                missing_columns=missing_cols if src_rows else [],
            )
            if src_hash != dst_hash:
                for k, h in src_keys.items():
                    if k not in dst_keys:
                        diff.missing.append(k)
                    elif dst_keys[k] != h:
                        diff.changed.append(k)
                diff.extra = [k for k in dst_keys if k not in src_keys]
                for lst in (diff.missing, diff.changed, diff.extra):
                    del lst[_MAX_KEYS:]
            out.append(diff)
    return out
