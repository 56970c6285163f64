"""Fixtures of the CDC tests: captured real Debezium envelopes; the sinks to run against."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cdc.harness import SinkSpec
from tests.fixtures.gcp import BIGQUERY_TARGETS, bigquery_dataset

ENVELOPES = Path(__file__).parent / "envelopes"


def load_run(tag: str) -> list[dict[str, Any]]:
    """Return the records of one captured Debezium run (`schema` or `plain`)."""
    data: list[dict[str, Any]] = json.loads((ENVELOPES / f"run_{tag}.json").read_text())
    return data


@pytest.fixture
def schema_run() -> list[dict[str, Any]]:
    """Records captured with JsonConverter schemas on and decimal.handling.mode=precise."""
    return load_run("schema")


@pytest.fixture
def plain_run() -> list[dict[str, Any]]:
    """Records captured without schemas and decimal.handling.mode=string."""
    return load_run("plain")


@pytest.fixture(params=["duckdb", *BIGQUERY_TARGETS])
def sink_spec(request: pytest.FixtureRequest) -> Iterator[SinkSpec]:
    """Each sink the consumer can write to: DuckDB, the BigQuery emulator (real BigQuery opt-in)."""
    if request.param == "duckdb":
        yield SinkSpec()
        return
    with bigquery_dataset(request, request.param) as env:
        yield SinkSpec(request.param, env)
