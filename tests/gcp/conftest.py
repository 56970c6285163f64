"""Fixtures of the Google Cloud tests (the emulators live in tests/fixtures/gcp.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.cdc.conftest import load_run
from tests.fixtures.gcp import BIGQUERY_TARGETS, bigquery_dataset


@pytest.fixture
def schema_run() -> list[dict[str, Any]]:
    """Real Debezium records captured with schemas (tests/cdc/envelopes)."""
    return load_run("schema")


@pytest.fixture(params=BIGQUERY_TARGETS)
def bigquery_target(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Sink environment of a fresh dataset on each BigQuery target."""
    with bigquery_dataset(request, request.param) as env:
        yield env
