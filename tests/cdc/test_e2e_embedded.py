"""End to end with the embedded Debezium source: every phase verified, status and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from riverbed.ingestor.sync.sources._offsets import OffsetsGuard, read_offsets
from riverbed.local import free_port
from tests.cdc.harness import SinkSpec, SourceSpec, SyncEnv, SyncProcess, assert_verified
from tests.cdc.scenario import make_env, run_scenario

pytestmark = [pytest.mark.postgres]


def _while_running(senv: SyncEnv, proc: SyncProcess) -> None:
    """Other processes read status and verify while the consumer runs; metrics are served."""
    status = senv.cli("sync", "status", "--json")
    assert status.returncode == 0, status.stderr
    tables = json.loads(status.stdout)["tables"]
    assert {t["table"] for t in tables} == {"pages", "videos", "insights"}
    assert all(t["last_lsn"] and t["seconds_behind"] is not None for t in tables)
    out = senv.cli("sync", "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("OK ") == 3
    port = senv.spec.env["RIVERBED_INGESTOR_METRICS_PORT"]
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    assert 'riverbed_sync_events_applied_total{op="u",table="insights"}' in text
    assert "riverbed_sync_batch_apply_seconds_count" in text
    assert 'riverbed_sync_lag_seconds{table="videos"}' in text
    assert proc.alive()


def _after(senv: SyncEnv) -> None:
    """A change the stopped consumer cannot see: verify fails and names the key."""
    with senv.connect() as conn:
        conn.execute("UPDATE videos SET title = 'changed behind its back' WHERE id = 2")
    out = senv.cli("sync", "verify")
    assert out.returncode == 1
    assert "DIFF videos" in out.stdout and "changed keys: [2]" in out.stdout
    # Offsets reset on purpose and rows deleted meanwhile: the new snapshot brings the mirror
    # back to the source, deletes included.
    offsets = senv.settings.offsets_path
    offsets.unlink()
    with senv.connect() as conn:
        conn.execute("DELETE FROM insights WHERE video_id IN (SELECT id FROM videos WHERE id > 3)")
        conn.execute("DELETE FROM videos WHERE id > 3")
    proc = SyncProcess(senv).start()
    try:
        assert_verified(senv, 120, proc)
        assert "rows it did not see marked deleted" in proc.log.read_text()
        assert proc.terminate() == 0
    finally:
        proc.kill()


def _offsets_survive_a_cut(offsets: Path) -> None:
    """An offsets file cut short by a kill is restored from the last complete copy."""
    complete = offsets.read_bytes()
    (position,) = read_offsets(offsets).values()
    assert json.loads(position)["lsn"] > 0
    OffsetsGuard(offsets).check()
    for cut in (0, 4, len(complete) // 2, len(complete) - 1):
        offsets.write_bytes(complete[:cut])
        OffsetsGuard(offsets).check()
        assert offsets.read_bytes() == complete, cut
    good = offsets.with_name(offsets.name + ".good")
    offsets.unlink()  # a deliberate reset: the copy must not come back
    OffsetsGuard(offsets).check()
    assert not offsets.exists() and not good.exists()
    offsets.write_bytes(complete[:4])  # cut short with no copy: set aside, new snapshot
    OffsetsGuard(offsets).check()
    assert not offsets.exists()
    assert offsets.with_name(offsets.name + ".corrupt").read_bytes() == complete[:4]


def test_scenario_embedded(pg_url: str, tmp_path: Path, sink_spec: SinkSpec) -> None:
    spec = SourceSpec("embedded", env={"RIVERBED_INGESTOR_METRICS_PORT": str(free_port())})
    senv = make_env(pg_url, tmp_path / "home", spec, sink_spec)
    timings = run_scenario(senv, while_running=_while_running, after=_after)
    assert set(timings) >= {"snapshot", "toast", "new column", "truncate"}
    # the TOASTed value survived the update that did not touch it
    ((notes,),) = senv.query("SELECT notes FROM {pages} WHERE name = 'page 0 (renamed)'")
    assert isinstance(notes, str) and notes.startswith("lorem ipsum") and len(notes) > 100_000
    # the new column exists with its values; a change log keeps every event
    assert senv.query("SELECT rank FROM {videos} WHERE title = 'ranked'") == [(99,)]
    ops = {op for (op,) in senv.query("SELECT DISTINCT _op FROM {insights_changes}")}
    assert ops == {"r", "c", "u", "d", "t"}
    changes = senv.query("SELECT table_name, column_name, change FROM {schema_changes}")
    assert ("videos", "rank", "added") in changes
    assert not [c for c in changes if c[2] == "type_changed"], changes
    # deletes are soft: the mirror keeps the key with its last LSN
    assert senv.query("SELECT count(*) FROM {videos} WHERE _deleted") != [(0,)]
    _offsets_survive_a_cut(senv.settings.offsets_path)


def test_scenario_embedded_default_identity(pg_url: str, tmp_path: Path) -> None:
    """Tables left at REPLICA IDENTITY DEFAULT: no before images, the mirror still converges.

    Updates then arrive without a before image and deletes with the key only; an unchanged
    TOASTed value arrives as Debezium's placeholder and must keep the stored text.
    """
    spec = SourceSpec(
        "embedded",
        env={"RIVERBED_INGESTOR_METRICS_PORT": "0", "RIVERBED_INGESTOR_REPLICA_IDENTITY": "keep"},
    )
    senv = make_env(pg_url, tmp_path / "home", spec)
    run_scenario(senv)
    with senv.connect() as conn:
        idents = conn.execute(
            "SELECT relname, relreplident FROM pg_class"
            " WHERE relname IN ('pages', 'videos', 'insights')"
        ).fetchall()
    assert sorted(idents) == [("insights", "d"), ("pages", "d"), ("videos", "d")]
    ((notes,),) = senv.query("SELECT notes FROM {pages} WHERE name = 'page 0 (renamed)'")
    assert isinstance(notes, str) and notes.startswith("lorem ipsum") and len(notes) > 100_000
    # a delete carried the key only: the mirror keeps the row's last values
    deleted = senv.query("SELECT count(*) FROM {videos} WHERE _deleted AND title IS NOT NULL")
    assert deleted != [(0,)]
