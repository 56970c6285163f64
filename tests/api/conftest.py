"""Fixtures of the API tests: a migrated database, the app, its test client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from riverbed.api import ApiSettings, create_app
from riverbed.core.migrations import upgrade


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """Return a fresh database (SQLite or Postgres) at the latest schema."""
    upgrade(db_url)
    return db_url


@pytest.fixture
def app(migrated_url: str) -> Iterator[Flask]:
    """Return the API app on a migrated database."""
    app = create_app(ApiSettings(database_url=migrated_url, log_json=False, max_body_bytes=4096))
    app.config["TESTING"] = True
    yield app
    app.extensions["riverbed_db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Return a CLI runner of the app."""
    return app.test_cli_runner()
