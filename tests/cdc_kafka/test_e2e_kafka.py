"""The shared end-to-end CDC scenario on the Kafka path: Debezium in Kafka Connect -> topics ->
`riverbed sync run --source kafka` -> DuckDB, `sync verify` passing after every phase.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riverbed.core.cdc import read_warehouse
from tests.cdc.harness import SourceSpec, SyncEnv
from tests.cdc.scenario import make_env, run_scenario
from tests.fixtures.kafka import KafkaCapture

pytestmark = [pytest.mark.kafka]


def kafka_spec(capture: KafkaCapture) -> SourceSpec:
    """Return the scenario's source: the test connector deployed on the session worker."""

    def prepare(senv: SyncEnv) -> None:
        # The connector uses the scenario's slot and publication, so `sync status` reports
        # the lag of the slot Kafka Connect reads.
        capture.slot = senv.slot
        capture.overrides["slot.name"] = senv.slot
        capture.overrides["publication.name"] = senv.slot
        capture.deploy()

    return SourceSpec(
        name="kafka",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": capture.stack.bootstrap_servers,
            "RIVERBED_INGESTOR_KAFKA_TOPIC_PREFIX": capture.topic_prefix,
            "RIVERBED_INGESTOR_KAFKA_GROUP_ID": f"sync-{capture.topic_prefix}",
        },
        prepare=prepare,
        cleanup=lambda senv: capture.delete(),
    )


def test_scenario_kafka(kafka_capture: KafkaCapture, tmp_path: Path) -> None:
    senv = make_env(kafka_capture.database_url, tmp_path / "home", kafka_spec(kafka_capture))
    timings = run_scenario(senv)
    assert set(timings) >= {"snapshot", "transaction", "toast", "new column", "truncate"}
    with read_warehouse(senv.settings.warehouse_path) as con:
        (notes,) = con.execute(
            "SELECT notes FROM mirror.pages WHERE name = 'page 0 (renamed)'"
        ).fetchone()
        assert notes.startswith("lorem ipsum") and len(notes) > 100_000  # TOAST kept
        assert con.execute("SELECT rank FROM mirror.videos WHERE title = 'ranked'").fetchone() == (
            99,
        )
        # the connector propagates the source type of numeric columns only: enough for DECIMAL
        assert con.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_schema = 'mirror' AND table_name = 'videos' AND column_name = 'score'"
        ).fetchone() == ("DECIMAL(6,2)",)
        ops = dict(
            con.execute("SELECT _op, count(*) FROM changelog.insights GROUP BY 1").fetchall()
        )
        assert set(ops) == {"r", "c", "u", "d", "t"}
        # every delete reached Kafka as an event plus a tombstone; neither became a dead letter
        assert con.execute("SELECT count(*) FROM riverbed_sync.dead_letters").fetchone() == (0,)
    out = senv.cli("sync", "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    status = json.loads(senv.cli("sync", "status", "--json").stdout)
    assert {t["table"] for t in status["tables"]} == {"pages", "videos", "insights"}
    assert all(t["last_lsn"] for t in status["tables"])
