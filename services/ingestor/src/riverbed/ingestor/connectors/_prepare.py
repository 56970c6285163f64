"""Prepare a source database for the Debezium connector (the heartbeat table it writes to)."""

from __future__ import annotations

import psycopg

from riverbed.core.errors import ServiceError

__all__ = ["HEARTBEAT_TABLE", "ensure_heartbeat_table"]

HEARTBEAT_TABLE = "public.cdc_heartbeat"
_DDL = f"""
CREATE TABLE IF NOT EXISTS {HEARTBEAT_TABLE} (
    id integer PRIMARY KEY,
    ts timestamptz NOT NULL DEFAULT now()
)
"""


def ensure_heartbeat_table(database_url: str) -> None:
    """Create the heartbeat table the connector's `heartbeat.action.query` updates."""
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(_DDL)
    except psycopg.Error as exc:
        raise ServiceError(f"cannot prepare the source database: {exc}") from None
