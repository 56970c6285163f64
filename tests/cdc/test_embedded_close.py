"""Closing the embedded source at any moment stops its Debezium engine and frees the slot."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from riverbed.core.migrations import upgrade
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources.embedded import EmbeddedSource

pytestmark = [pytest.mark.postgres]


def test_close_while_the_engine_starts_releases_the_slot(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(pg_url)
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("INSERT INTO pages (name, created_at) VALUES ('p', now())")
        conn.execute(
            "INSERT INTO videos (title, page_id, created_at)"
            " SELECT 'v' || g, 1, now() FROM generate_series(1, 25) g"
        )
    monkeypatch.setenv("DATABASE_URL", pg_url)
    # nothing to deliver (no snapshot data, no heartbeat soon): no batch can stop the engine
    settings = load_settings(
        SyncSettings,
        home=tmp_path,
        metrics_port=0,
        snapshot_mode="no_data",
        heartbeat_interval_ms=600_000,
    )
    for delay in (0.0, 3.0):  # before the JVM is up; while Debezium starts its task
        source = EmbeddedSource(settings)
        source.start()
        thread = source._thread
        assert isinstance(thread, threading.Thread)
        thread.join(delay)
        source.close()
        assert not thread.is_alive(), f"engine still running after close at {delay}s"
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        active = conn.execute(
            "SELECT active FROM pg_replication_slots WHERE slot_name = %s", (settings.slot_name,)
        ).fetchone()
    assert active == (False,)  # a leaked engine would still hold the replication slot
