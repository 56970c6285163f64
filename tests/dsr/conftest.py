"""Fixtures of the DSR tests: migrated databases, the shared files, small hand-made DSRs."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from werkzeug.security import generate_password_hash

from riverbed.api import ApiSettings, create_app
from riverbed.core.migrations import upgrade
from riverbed.core.web._db import make_engine
from riverbed.data import FIXTURES_DIR
from tests.conftest import shared_file

HEADER = "dsp_id\ttitle\tartists\tisrc\tusages\trevenue"
ADMIN_PASSWORD = "correct horse battery staple"
FX_FILE = FIXTURES_DIR / "fx" / "eurofxref-2020q1-monthly.csv"
SHARED_NAMES = [
    "Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz",
    "Spotify_SpotifyFamilyPlan_ES_EUR_20200101-20200131.tsv.gz",
    "Spotify_SpotifyFree_CH_CHF_20200201-20200228.tsv.gz",
    "Spotify_SpotifyStudent_GB_GBP_20200301-20200331.tsv.gz",
]


def write_dsr(
    directory: Path, name: str, rows: list[str] | list[bytes], *, crlf: bool = True
) -> Path:
    """Write a gzip DSR with the real header; rows are tab-joined lines (str or raw bytes)."""
    eol = b"\r\n" if crlf else b"\n"
    body = [HEADER.encode()] + [r if isinstance(r, bytes) else r.encode() for r in rows]
    path = directory / name
    with gzip.open(path, "wb") as fh:
        fh.write(eol.join(body) + eol)
    return path


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """Return an engine on a migrated database (SQLite and Postgres)."""
    upgrade(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """Return an engine on a migrated Postgres database."""
    upgrade(pg_url)
    eng = make_engine(pg_url)
    yield eng
    eng.dispose()


@pytest.fixture
def shared_dsrs(shared_data: Path) -> list[Path]:
    """Return the four real DSR files."""
    return [shared_file(shared_data, f"dsr/{name}") for name in SHARED_NAMES]


def make_app(url: str) -> Flask:
    """Build the real API app with an admin password."""
    settings = ApiSettings(
        database_url=url,
        log_json=False,
        secret_key="test-secret",
        admin_password_hash=generate_password_hash(ADMIN_PASSWORD),
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    return app
