"""The riverbed CLI: every group listed with help; dev up/status/env/down; the demo's first steps."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from riverbed.core.cli import ENTRY_POINT_GROUP, root
from riverbed.core.demo import load_steps


def test_help_lists_every_registered_group_with_one_line_help() -> None:
    from importlib.metadata import entry_points

    result = CliRunner().invoke(root, ["--help"])
    assert result.exit_code == 0, result.output
    names = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"api", "dev", "demo"} <= names
    for name in names:
        line = re.search(rf"^  {re.escape(name)}\s+(\S.*)$", result.output, re.M)
        assert line, f"{name} missing from riverbed --help"


def test_unknown_command_is_a_clear_error() -> None:
    result = CliRunner().invoke(root, ["nope"])
    assert result.exit_code == 2 and "No such command 'nope'" in result.output


def test_dev_up_status_env_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIVERBED_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    try:
        assert runner.invoke(root, ["dev", "up"]).exit_code == 0
        status = runner.invoke(root, ["dev", "status"])
        assert "postgres" in status.output and "running" in status.output
        env = runner.invoke(root, ["dev", "env"]).output
        url = re.search(r"^export DATABASE_URL=(\S+)$", env, re.M)
        assert url, env
        with psycopg.connect(url.group(1)) as conn:
            assert conn.execute("SHOW wal_level").fetchone() == ("logical",)
    finally:
        assert runner.invoke(root, ["dev", "down"]).exit_code == 0
    assert "stopped" in runner.invoke(root, ["dev", "status"]).output
    assert "DATABASE_URL" not in runner.invoke(root, ["dev", "env"]).output


def test_demo_steps_are_ordered_and_run_the_media_tasks(tmp_path: Path) -> None:
    names = [s.name for s in load_steps()]
    assert names[0] == "postgres"
    assert names.index("api") < names.index("media-tasks") < names.index("cdc")
    result = CliRunner().invoke(root, ["demo", "--home", str(tmp_path), "--until", "media-tasks"])
    assert result.exit_code == 0, result.output
    assert "4. deleted video B" in result.output
    assert "stored in Postgres: videos" in result.output
    bad = CliRunner().invoke(root, ["demo", "--until", "nope"])
    assert bad.exit_code == 2 and "unknown step" in bad.output
