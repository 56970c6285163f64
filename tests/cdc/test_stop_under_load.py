"""SIGTERM while Debezium has more batches ready: a clean stop, nothing lost, no engine failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cdc.harness import SinkSpec, SourceSpec, SyncProcess, assert_verified, drop_slot
from tests.cdc.scenario import make_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROUNDS = 2
BACKLOG = 60_000  # about four of Debezium's batches: the next one waits while one is applied


@pytest.mark.parametrize("batch_json", ["true", "false"], ids=["batchjson", "debezium-json"])
def test_sigterm_with_batches_waiting(pg_url: str, tmp_path: Path, batch_json: str) -> None:
    spec = SourceSpec("embedded", env={"RIVERBED_INGESTOR_BATCH_JSON": batch_json})
    senv = make_env(pg_url, tmp_path / "home", spec, SinkSpec())
    with senv.connect() as conn:
        conn.execute(
            "INSERT INTO pages (name, created_at) VALUES ('p', now());"
            "INSERT INTO videos (title, page_id, created_at) VALUES ('v', 1, now())"
        )
    proc = SyncProcess(senv).start()
    try:
        # the snapshot: from here on the slot keeps every change
        assert proc.wait_applied(1, 120) >= 1, proc.tail()
        for _ in range(ROUNDS):
            seen = proc.applied()
            with senv.connect() as conn:
                conn.execute(
                    "INSERT INTO insights (video_id, likes, views, created_at)"
                    " SELECT 1, g, g, now() FROM generate_series(1, %s) g",
                    (BACKLOG,),
                )
            assert proc.wait_applied(seen + 1, 120) > seen, proc.tail()
            assert proc.terminate() == 0, proc.tail()
            proc = SyncProcess(senv).start()
        assert_verified(senv, 180, proc)
        assert proc.terminate() == 0
    finally:
        proc.kill()
        drop_slot(senv)
    log = proc.log.read_text(errors="replace")
    assert log.count("batch applied") > ROUNDS
    # a stop asked for is not an engine failure: Debezium must not report one
    assert "Engine has failed" not in log, log[-4000:]
    assert "InterruptedException" not in log, log[-4000:]
    # every insert reached the change log exactly once: a refused batch was replayed, not
    # skipped, and its replay was not logged twice
    logged = senv.query(
        "SELECT count(*), count(DISTINCT id) FROM {insights_changes} WHERE _op = 'c'"
    )
    assert logged == [(ROUNDS * BACKLOG, ROUNDS * BACKLOG)]
