"""Fixtures of the Google Cloud tests: Pub/Sub fake (pstest) and BigQuery emulator."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from riverbed.ingestor.sync.sinks.bigquery import BigQuerySettings, BigQuerySink
from riverbed.local.bigquery import BQEMULATOR_DIR, LocalBigQuery
from riverbed.local.pubsub import PSTEST_BIN, LocalPubSub
from tests.cdc.conftest import load_run


def _need(path: Path, step: str) -> None:
    if not path.exists():
        msg = f"{path} missing: run `bash infra/local/bootstrap.d/{step}`"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="session")
def pubsub_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPubSub]:
    """One pstest process for the session (every test uses its own topic names)."""
    _need(PSTEST_BIN, "61-pstest.sh")
    emu = LocalPubSub(tmp_path_factory.mktemp("pubsub")).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def bigquery_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBigQuery]:
    """One bqemulator process for the session (every test uses its own dataset)."""
    _need(BQEMULATOR_DIR / "venv" / "bin" / "python", "62-bqemulator.sh")
    emu = LocalBigQuery(tmp_path_factory.mktemp("bigquery")).start()
    try:
        yield emu
    finally:
        emu.stop()


def bigquery_env(emu: LocalBigQuery | None, dataset: str) -> dict[str, str]:
    """Return the environment of `riverbed sync --sink bigquery` (emulator or real project)."""
    if emu is None:
        project = os.environ["RIVERBED_BIGQUERY_PROJECT"]
        return {
            "RIVERBED_INGESTOR_SINK": "bigquery",
            "RIVERBED_INGESTOR_BIGQUERY_PROJECT": project,
            "RIVERBED_INGESTOR_BIGQUERY_DATASET": dataset,
            "RIVERBED_INGESTOR_BIGQUERY_LOCATION": os.environ.get(
                "RIVERBED_BIGQUERY_LOCATION", "US"
            ),
        }
    return {
        "RIVERBED_INGESTOR_SINK": "bigquery",
        "RIVERBED_INGESTOR_BIGQUERY_PROJECT": emu.project,
        "RIVERBED_INGESTOR_BIGQUERY_DATASET": dataset,
        "RIVERBED_INGESTOR_BIGQUERY_ENDPOINT": emu.endpoint,
        "RIVERBED_INGESTOR_BIGQUERY_BIGNUMERIC": "false",  # DuckDB-backed: DECIMAL(38) at most
    }


def sink_from_env(env: dict[str, str]) -> BigQuerySink:
    """Build the BigQuery sink the `env` of bigquery_env() describes."""
    return BigQuerySink(
        BigQuerySettings(
            project=env["RIVERBED_INGESTOR_BIGQUERY_PROJECT"],
            dataset=env["RIVERBED_INGESTOR_BIGQUERY_DATASET"],
            location=env.get("RIVERBED_INGESTOR_BIGQUERY_LOCATION", "US"),
            endpoint=env.get("RIVERBED_INGESTOR_BIGQUERY_ENDPOINT", ""),
            bignumeric=env.get("RIVERBED_INGESTOR_BIGQUERY_BIGNUMERIC", "true") == "true",
        )
    )


# The BigQuery targets of the parametrized tests: the emulator always, real BigQuery when
# RIVERBED_BIGQUERY_PROJECT is set (opt-in; datasets are deleted afterwards).
BIGQUERY_TARGETS = ["bigquery"] + (
    ["bigquery-real"] if os.environ.get("RIVERBED_BIGQUERY_PROJECT") else []
)


@pytest.fixture
def schema_run() -> list[dict[str, Any]]:
    """Real Debezium records captured with schemas (tests/cdc/envelopes)."""
    return load_run("schema")


@contextlib.contextmanager
def bigquery_dataset(request: pytest.FixtureRequest, target: str) -> Iterator[dict[str, str]]:
    """Yield the sink environment of a fresh dataset on `target`, deleted afterwards."""
    dataset = f"t_{uuid.uuid4().hex[:10]}"
    if target == "bigquery":
        emu: LocalBigQuery = request.getfixturevalue("bigquery_emulator")
        env = bigquery_env(emu, dataset)
    else:
        env = bigquery_env(None, dataset)
    try:
        yield env
    finally:
        sink = sink_from_env(env)
        try:
            sink.client.delete_dataset(
                f"{sink.project}.{dataset}", delete_contents=True, not_found_ok=True
            )
        finally:
            sink.close()


@pytest.fixture(params=BIGQUERY_TARGETS)
def bigquery_target(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Sink environment of a fresh dataset on each BigQuery target."""
    with bigquery_dataset(request, request.param) as env:
        yield env
