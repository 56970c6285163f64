"""The one `streaming` command group: load from the ingestor, answers plugged in by analytics."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from riverbed.analytics.streaming import AnswersSettings
from riverbed.core.cli import root
from riverbed.core.duckdb_resources import default_memory_limit, resource_statements
from riverbed.ingestor.streaming._load import _configure
from riverbed.ingestor.streaming.settings import StreamingSettings
from tests.streaming.conftest import write_delivery


def test_group_lists_load_and_answers() -> None:
    result = CliRunner().invoke(root, ["streaming", "--help"])
    assert result.exit_code == 0, result.output
    assert "load" in result.output and "answers" in result.output


def test_load_then_answers_share_the_default_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIVERBED_HOME", str(tmp_path / "home"))
    internal, vendor = write_delivery(tmp_path)
    runner = CliRunner()
    loaded = runner.invoke(
        root,
        [
            "streaming",
            "load",
            "--internal",
            str(internal),
            "--vendor",
            str(vendor),
            "--as-of",
            "2022-01-01",
        ],
    )
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "home" / "streaming.duckdb").is_file()
    out = runner.invoke(root, ["streaming", "answers", "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert got["q2"]["answer"] == 1  # Ann's Unforgiven stream 06:30-08:00 overlaps the outage
    assert got["q3"]["answer"] == 1
    table = runner.invoke(root, ["streaming", "answers"])
    assert "services/analytics/src/riverbed/analytics/sql/streaming/q1.sql" in table.output
    # As of a date before the first load, nothing is visible yet.
    early = runner.invoke(
        root, ["streaming", "answers", "--format", "json", "--as-of", "2021-12-31"]
    )
    assert json.loads(early.output)["q2"]["answer"] == 0


def test_clear_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    internal, vendor = write_delivery(tmp_path)
    (internal / "streams.csv").write_text("movie,user\nx,y\n", encoding="utf-8")
    wh = f"duckdb:{tmp_path / 'wh.duckdb'}"
    res = runner.invoke(
        root,
        [
            "streaming",
            "load",
            "--internal",
            str(internal),
            "--vendor",
            str(vendor),
            "--as-of",
            "2022-01-01",
            "--warehouse",
            wh,
        ],
    )
    assert res.exit_code == 1
    assert "streams.csv:1: header lacks column(s) movie_title" in res.output
    res = runner.invoke(
        root,
        [
            "streaming",
            "load",
            "--internal",
            str(internal),
            "--vendor",
            str(vendor),
            "--as-of",
            "01/01/2022",
            "--warehouse",
            wh,
        ],
    )
    assert "expected a date YYYY-MM-DD" in res.output
    res = runner.invoke(
        root, ["streaming", "answers", "--warehouse", f"duckdb:{tmp_path / 'none.duckdb'}"]
    )
    assert res.exit_code == 1 and "run `riverbed streaming load` first" in res.output
    res = runner.invoke(root, ["streaming", "answers", "--warehouse", "postgres://x"])
    assert res.exit_code == 1 and "expected duckdb:PATH" in res.output


def test_demo_steps_load_two_nights_and_answer(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from riverbed.analytics.streaming.demo import step as answers_step
    from riverbed.core.demo import DemoContext
    from riverbed.ingestor.streaming.demo import step as load_step

    out = io.StringIO()
    ctx = DemoContext(home=tmp_path, console=Console(file=out, width=200))
    load_step.run(ctx)
    answers_step.run(ctx)
    text = out.getvalue()
    assert "load 2 of 2022-01-01 committed" in text
    assert "deleted" in text and "changed" in text
    assert "q6" in text and "q6.sql" in text


def test_resource_settings_apply_and_bad_ones_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    internal, vendor = write_delivery(tmp_path)
    args = ["streaming", "load", "--internal", str(internal), "--vendor", str(vendor)]
    wh = f"duckdb:{tmp_path / 'wh.duckdb'}"
    monkeypatch.setenv("RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT", "lots")
    res = CliRunner().invoke(root, [*args, "--as-of", "2022-01-01", "--warehouse", wh])
    assert res.exit_code == 1 and "RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT" in res.output
    monkeypatch.setenv("RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("RIVERBED_INGESTOR_STREAMING_THREADS", "1")
    monkeypatch.setenv("RIVERBED_INGESTOR_STREAMING_TEMP_DIRECTORY", str(tmp_path / "spill"))
    res = CliRunner().invoke(root, [*args, "--as-of", "2022-01-01", "--warehouse", wh])
    assert res.exit_code == 0, res.output


def test_resource_settings_reach_duckdb(tmp_path: Path) -> None:
    con = duckdb.connect()
    settings = StreamingSettings(
        memory_limit="300MB", threads=1, temp_directory=str(tmp_path / "spill")
    )
    _configure(con, settings)
    got = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory'), current_setting('preserve_insertion_order')"
    ).fetchone()
    assert got == ("286.1 MiB", 1, str(tmp_path / "spill"), False)


def test_default_memory_limit_is_half_the_memory_bounded() -> None:
    gib = 2**30
    assert default_memory_limit(2 * gib) == "1024MiB"
    assert default_memory_limit(64 * gib) == "4096MiB"  # capped: DuckDB alone would take 80 %
    assert default_memory_limit(300 * 2**20) == "256MiB"  # floor for tiny containers


def test_loader_caps_memory_and_spills_next_to_the_warehouse_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("MEMORY_LIMIT", "THREADS", "TEMP_DIRECTORY"):
        monkeypatch.delenv(f"RIVERBED_INGESTOR_STREAMING_{var}", raising=False)
    settings = StreamingSettings()
    assert settings.memory_limit == default_memory_limit()
    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    _configure(con, settings, wh)
    limit, temp = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone() or (None, None)
    con.close()
    assert temp == f"{wh}.tmp"
    mib = int(settings.memory_limit.removesuffix("MiB"))
    assert limit == (f"{mib / 1024:.1f} GiB" if mib >= 1024 else f"{mib:.1f} MiB")


def test_answers_cap_memory_through_their_own_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RIVERBED_ANALYTICS_STREAMING_MEMORY_LIMIT", raising=False)
    wh = tmp_path / "wh.duckdb"
    internal, vendor = write_delivery(tmp_path)
    runner = CliRunner()
    args = ["--warehouse", f"duckdb:{wh}"]
    load_args = ["--internal", str(internal), "--vendor", str(vendor), "--as-of", "2022-01-01"]
    loaded = runner.invoke(root, ["streaming", "load", *load_args, *args])
    assert loaded.exit_code == 0, loaded.output
    assert AnswersSettings().memory_limit == default_memory_limit()
    # The statements are accepted by the read-only connection the answers open.
    con = duckdb.connect(str(wh), read_only=True)
    for stmt in resource_statements(AnswersSettings(memory_limit="300MB", threads=1), wh):
        con.execute(stmt)
    got = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')"
    ).fetchone()
    con.close()
    assert got == ("286.1 MiB", 1, f"{wh}.tmp")
    monkeypatch.setenv("RIVERBED_ANALYTICS_STREAMING_MEMORY_LIMIT", "lots")
    bad = runner.invoke(root, ["streaming", "answers", *args])
    assert bad.exit_code == 1 and "RIVERBED_ANALYTICS_STREAMING_MEMORY_LIMIT" in bad.output
    monkeypatch.setenv("RIVERBED_ANALYTICS_STREAMING_MEMORY_LIMIT", "300MB")
    ok = runner.invoke(root, ["streaming", "answers", "--format", "json", *args])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["q2"]["answer"] == 1
