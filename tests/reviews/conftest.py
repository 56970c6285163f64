"""Fixtures of the reviews tests: databases loaded once per module, on SQLite and Postgres."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask

from riverbed.api.app import create_app
from riverbed.api.reviews._load import load_source
from riverbed.api.reviews._readers import open_source
from riverbed.api.settings import ApiSettings
from riverbed.data.reviews import generate_reviews
from riverbed.local import LocalPostgres
from tests.conftest import shared_file

REVIEWS_FILE = "reviews/reviews_Musical_Instruments_5.json.gz"
GENERATED_ROWS = 3000
GENERATED_SEED = 7


def fresh_url(backend: str, request: pytest.FixtureRequest, tmp: Path) -> tuple[str, Any]:
    """Return a new empty database URL and a function dropping it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.sqlite'}", lambda: None
    server: LocalPostgres = request.getfixturevalue("pg_server")
    name = f"rv_{uuid.uuid4().hex[:12]}"
    return server.create_database(name), lambda: server.drop_database(name)


@pytest.fixture(scope="module")
def reviews_path(shared_data: Path) -> Path:
    """Return the shared JSON-lines dump."""
    return shared_file(shared_data, REVIEWS_FILE)


@pytest.fixture(scope="module")
def raw_frame(reviews_path: Path) -> pd.DataFrame:
    """Read the dump with pandas, independently of the loader, into the exercise's columns."""
    df = pd.read_json(reviews_path, lines=True, compression="gzip")
    df = df.rename(columns={"asin": "productID"})
    df["vote"] = df["helpful"].map(lambda h: h[0])
    df["verified"] = None
    return df


@pytest.fixture(scope="module")
def generated_frame() -> pd.DataFrame:
    """The generated rows as a frame, with the vote parsed independently."""
    df = pd.DataFrame(list(generate_reviews(GENERATED_ROWS, seed=GENERATED_SEED)))
    df["vote"] = df["vote"].map(lambda v: int(v.replace(",", "")) if isinstance(v, str) else 0)
    return df


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_db(
    request: pytest.FixtureRequest, reviews_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database holding the shared dump, once per module and backend."""
    url, drop = fresh_url(request.param, request, tmp_path_factory.mktemp("rv"))
    load_source(open_source(reviews_path), url)
    yield url
    drop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def generated_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database holding GENERATED_ROWS generated reviews (written as CSV, then loaded)."""
    from riverbed.data.reviews import write_reviews

    tmp = tmp_path_factory.mktemp("gen")
    url, drop = fresh_url(request.param, request, tmp)
    path = tmp / "generated.csv.gz"
    write_reviews(path, GENERATED_ROWS, seed=GENERATED_SEED)
    load_source(open_source(path), url)
    yield url
    drop()


def make_app(url: str) -> Flask:
    """Build the real API app on `url`."""
    return create_app(ApiSettings(database_url=url, log_level="WARNING"))
