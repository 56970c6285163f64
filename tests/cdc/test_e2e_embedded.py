"""End to end with the embedded Debezium source: every phase verified, status and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riverbed.core.cdc import read_warehouse
from tests.cdc.harness import SourceSpec, SyncProcess, drop_slot, wait_verified
from tests.cdc.scenario import make_env, run_scenario, seed_media

pytestmark = [pytest.mark.postgres]


def test_scenario_embedded(pg_url: str, tmp_path: Path) -> None:
    senv = make_env(pg_url, tmp_path / "home", SourceSpec("embedded"))
    timings = run_scenario(senv)
    assert set(timings) >= {"snapshot", "toast", "new column", "truncate"}
    wh = senv.settings.warehouse_path
    with read_warehouse(wh) as con:
        # the TOASTed value survived the update that did not touch it
        (notes,) = con.execute(
            "SELECT notes FROM mirror.pages WHERE name = 'page 0 (renamed)'"
        ).fetchone()
        assert notes.startswith("lorem ipsum") and len(notes) > 100_000
        # the new column exists with its values; a change log keeps every event
        assert con.execute("SELECT rank FROM mirror.videos WHERE title = 'ranked'").fetchone() == (
            99,
        )
        ops = dict(
            con.execute("SELECT _op, count(*) FROM changelog.insights GROUP BY 1").fetchall()
        )
        assert set(ops) == {"r", "c", "u", "d", "t"}
        changes = con.execute(
            "SELECT table_name, column_name, change FROM riverbed_sync.schema_changes"
        ).fetchall()
        assert ("videos", "rank", "added") in changes
        assert not [c for c in changes if c[2] == "type_changed"], changes
    # CLI verify agrees (exit 0) and status reports every table
    out = senv.cli("sync", "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    status = json.loads(senv.cli("sync", "status", "--json").stdout)
    assert {t["table"] for t in status["tables"]} == {"pages", "videos", "insights"}
    assert all(t["last_lsn"] for t in status["tables"])


def test_status_verify_while_running_and_difference_detected(pg_url: str, tmp_path: Path) -> None:
    senv = make_env(pg_url, tmp_path / "home", SourceSpec("embedded"))
    with senv.connect() as conn:
        seed_media(conn)
    proc = SyncProcess(senv).start()
    try:
        diffs = wait_verified(senv, 120, proc)
        assert all(d.ok for d in diffs), proc.tail()
        # readers in other processes work while the consumer runs
        status = senv.cli("sync", "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["tables"]
        assert senv.cli("sync", "verify").returncode == 0
        # graceful stop, then a change it cannot see: verify fails and names the key
        assert proc.terminate() == 0, proc.tail()
        with senv.connect() as conn:
            conn.execute("UPDATE videos SET title = 'changed behind its back' WHERE id = 2")
        out = senv.cli("sync", "verify")
        assert out.returncode == 1
        assert "DIFF videos" in out.stdout and "changed keys: [2]" in out.stdout
        # restart: it resumes from its offsets and converges
        proc = SyncProcess(senv).start()
        diffs = wait_verified(senv, 120, proc)
        assert all(d.ok for d in diffs), proc.tail()
    finally:
        proc.kill()
        drop_slot(senv)
