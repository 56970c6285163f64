"""The reviews demo step loads the data and queries the API it finds in the context."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from riverbed.api.reviews.demo import step
from riverbed.api.server import start_background
from riverbed.api.settings import ApiSettings
from riverbed.core.demo import DemoContext


def test_demo_step(
    shared_data: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twice in a row: the second run finds everything stored already."""
    monkeypatch.setenv("RIVERBED_SHARED_DATA", str(shared_data))
    server = start_background(ApiSettings(database_url=db_url, port=0, log_json=False))
    console = Console(record=True, width=200)
    ctx = DemoContext(home=tmp_path, console=console)
    ctx.values.update(database_url=db_url, api_url=server.url)
    try:
        step.run(ctx)
        step.run(ctx)
    finally:
        server.stop()
    out = console.export_text()
    assert ctx.values["reviews_loaded"] == 10261
    assert "inserted 0, already stored 10,261" in out
    assert "invalid query parameter: from" in out and "no reviews for product" in out
