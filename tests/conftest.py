"""Session fixtures shared by every test: the shared datasets and real Postgres."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from riverbed.local import LocalPostgres

# Session fixtures of shared services live in tests/fixtures/<name>.py; list each module here.
pytest_plugins: list[str] = [
    "tests.fixtures.mariadb",
    "tests.fixtures.kafka",
    "tests.fixtures.gcp",
]

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _shared_data_dir() -> Path | None:
    """Locate ../shared/data beside the project root (or RIVERBED_SHARED_DATA)."""
    explicit = os.environ.get("RIVERBED_SHARED_DATA")
    candidates = [Path(explicit)] if explicit else []
    candidates += [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return ../shared/data; a missing dataset fails in CI and skips elsewhere."""
    found = _shared_data_dir()
    if found is None:
        msg = "../shared/data not found beside the project root (set RIVERBED_SHARED_DATA)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return found


def shared_file(shared_data: Path, relative: str) -> Path:
    """Return one shared dataset file, failing in CI / skipping elsewhere when absent."""
    path = shared_data / relative
    if not path.exists():
        if IN_CI:
            pytest.fail(f"shared dataset missing: {path}")
        pytest.skip(f"shared dataset missing: {path}")
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    """Start one embedded Postgres (wal_level=logical) for the whole session."""
    mode = os.environ.get("RIVERBED_TEST_SERVICES", "native")
    server: Any
    if mode == "docker":
        from riverbed.local.container import ContainerPostgres

        server = ContainerPostgres().start()
    elif mode == "native":
        # not under pytest's basetemp: a concurrent pytest run may prune old basetemps
        data_dir = Path(tempfile.mkdtemp(prefix="riverbed-test-pg-"))
        server = LocalPostgres(data_dir, fast=True).start()
    else:
        pytest.fail(f"RIVERBED_TEST_SERVICES must be native or docker, not {mode!r}")
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(pg_server: LocalPostgres) -> Iterator[str]:
    """Return the URL of a fresh, empty Postgres database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    try:
        yield url
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Return the URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'riverbed.sqlite'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Return a fresh database URL, once on SQLite and once on real Postgres."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
    else:
        url = request.getfixturevalue("pg_url")
    return url
