"""Fault injection: SIGKILL the embedded consumer at random points of a 50,000-change workload."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from tests.cdc.harness import SinkSpec, SourceSpec, SyncEnv, SyncProcess, assert_verified, drop_slot
from tests.cdc.scenario import make_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TOTAL_CHANGES = 50_000


def _workload(senv: SyncEnv, counts: dict[str, int], done: threading.Event) -> None:
    """Insert, update and delete insights in transactions until TOTAL_CHANGES rows changed."""
    rng = random.Random(7)
    with senv.connect() as conn:
        total = 0
        while total < TOTAL_CHANGES:
            with conn.transaction():
                n = conn.execute(
                    "INSERT INTO insights (video_id, likes, views, created_at)"
                    " SELECT 1 + g % 10, g, g * 10, now() FROM generate_series(1, 1500) g"
                ).rowcount
                u = conn.execute(
                    "UPDATE insights SET likes = likes + 1 WHERE id %% %s = 0",
                    (rng.randint(3, 9),),
                ).rowcount
            counts["c"] += n
            counts["u"] += u
            d = conn.execute(
                "DELETE FROM insights WHERE id IN"
                " (SELECT id FROM insights ORDER BY random() LIMIT 400)"
            ).rowcount
            counts["d"] += d
            total += n + u + d
            time.sleep(0.05)
    done.set()


def test_sigkill_during_workload_converges(
    pg_url: str, tmp_path: Path, sink_spec: SinkSpec
) -> None:
    senv = make_env(pg_url, tmp_path / "home", SourceSpec("embedded"), sink_spec)
    with senv.connect() as conn:
        conn.execute(
            "INSERT INTO pages (name, created_at) VALUES ('p', now());"
            "INSERT INTO videos (title, page_id, created_at)"
            " SELECT 'v' || g, 1, now() FROM generate_series(1, 10) g"
        )
    rng = random.Random(2026)
    counts = {"c": 0, "u": 0, "d": 0}
    done = threading.Event()
    worker = threading.Thread(target=_workload, args=(senv, counts, done), daemon=True)
    proc = SyncProcess(senv).start()
    try:
        proc.wait_applied(1, 120)  # snapshot applied: the slot exists, changes are kept
        worker.start()
        kills = 0
        while kills < 3:
            proc.wait_applied(proc.applied() + rng.randint(1, 5), 60)
            time.sleep(rng.uniform(0, 0.5))
            proc.kill()
            kills += 1
            proc = SyncProcess(senv).start()
        worker.join(300)
        assert done.is_set()
        assert_verified(senv, 180, proc)
        assert proc.terminate() == 0
    finally:
        proc.kill()
        drop_slot(senv)
    assert sum(counts.values()) >= TOTAL_CHANGES and kills >= 3
    dupes = senv.query(
        "SELECT count(*) FROM (SELECT _lsn, _op, id FROM {insights_changes}"
        " GROUP BY _lsn, _op, id HAVING count(*) > 1) AS d",
    )
    assert dupes == [(0,)]
    logged = dict(
        senv.query(
            "SELECT _op, count(*) FROM {insights_changes} WHERE _op IN ('c', 'u', 'd') GROUP BY _op",
        )
    )
    snapshot = senv.query("SELECT count(*) FROM {insights_changes} WHERE _op = 'r'")
    assert logged == counts  # every committed change logged exactly once
    assert snapshot == [(0,)]  # no kill cost a new snapshot (an offsets file cut short is restored)
