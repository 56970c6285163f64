"""Migrations from empty on both databases; the api CLI: migrate, serve guard, tasks."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from riverbed.api import ApiSettings, create_app
from riverbed.api.server import start_background
from riverbed.core.cli import root
from riverbed.core.migrations import pending, upgrade, version_locations
from riverbed.core.settings import normalize_database_url
from riverbed.local import free_port, wait_for_port


def test_upgrade_from_empty_creates_every_branch(db_url: str) -> None:
    assert "media" in version_locations()
    assert pending(db_url), "an empty database must have pending migrations"
    upgrade(db_url)
    assert pending(db_url) == set()
    engine = create_engine(normalize_database_url(db_url))
    try:
        insp = inspect(engine)
        tables = set(insp.get_table_names())
        assert {"pages", "videos", "insights", "alembic_version"} <= tables
        fks = {fk["referred_table"] for fk in insp.get_foreign_keys("insights")}
        assert fks == {"videos"}
        assert {c["name"] for c in insp.get_unique_constraints("pages")} == {"uq_pages_name"}
    finally:
        engine.dispose()
    upgrade(db_url)  # idempotent


def test_cli_migrate_then_serve_refuses_unmigrated(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    refused = runner.invoke(root, ["api", "serve", "--port", "0"])
    assert refused.exit_code == 1
    assert "not migrated" in refused.output and "riverbed api migrate" in refused.output
    done = runner.invoke(root, ["api", "migrate"])
    assert done.exit_code == 0, done.output
    assert pending(db_url) == set()


def test_cli_rejects_invalid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    result = CliRunner().invoke(root, ["api", "migrate"])
    assert result.exit_code == 1
    assert "DATABASE_URL" in result.output.upper() and "sqlite" in result.output


def test_tasks_command_against_a_running_api(db_url: str) -> None:
    upgrade(db_url)
    server = start_background(ApiSettings(database_url=db_url, port=0, log_json=False))
    try:
        for _ in range(2):  # a second run replaces the page: the tasks are repeatable
            result = CliRunner().invoke(root, ["api", "tasks", "--base-url", server.url])
            assert result.exit_code == 0, result.output
            assert "4. deleted video B" in result.output
        pages = requests.get(f"{server.url}/pages", timeout=5).json()["items"]
        assert [p["name"] for p in pages] == ["OurMedia France"]
        videos = requests.get(f"{server.url}/pages/{pages[0]['id']}/videos", timeout=5).json()
        assert [v["title"] for v in videos["items"]] == ["A"]
        insights = requests.get(f"{server.url}/insights", timeout=5).json()["items"]
        assert len(insights) == 1
    finally:
        server.stop()


def test_serve_with_gunicorn_workers(pg_url: str, tmp_path: Path) -> None:
    upgrade(pg_url)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "riverbed.core.cli",
            "api",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env={"DATABASE_URL": pg_url, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=30, what="gunicorn")
        deadline = time.monotonic() + 60  # workers boot after the master binds the port
        while True:
            try:
                resp = requests.get(f"http://127.0.0.1:{port}/health", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert resp.json() == {"status": "ok", "database": "reachable"}
        proc.terminate()  # as a supervisor stops it: gunicorn and its workers stop with it
        assert proc.wait(timeout=40) == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
    finally:
        proc.kill()
        proc.wait(timeout=15)


def test_health_reports_unreachable_database(pg_server, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    upgrade(pg_url)
    dead = pg_url.replace(f":{pg_server.port}/", f":{free_port()}/")
    app = create_app(ApiSettings(database_url=dead, log_json=False))
    resp = app.test_client().get("/health")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "unavailable", "database": "unreachable"}
