"""The DSR demo step imports generated DSRs and reads the percentile from the running API."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rich.console import Console
from werkzeug.serving import make_server

from riverbed.core.demo import DemoContext
from riverbed.core.migrations import upgrade
from riverbed.ingestor.dsr.demo import step
from riverbed.local import free_port
from tests.dsr.conftest import make_app


def test_demo_step_runs_against_the_served_api(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    app = make_app(sqlite_url)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    console = Console(record=True, width=200)
    ctx = DemoContext(
        home=tmp_path,
        console=console,
        values={"database_url": sqlite_url, "api_url": f"http://127.0.0.1:{server.server_port}"},
    )
    try:
        step.run(ctx)
        step.run(ctx)  # a second run is a no-op import
    finally:
        server.shutdown()
        thread.join(5)
    out = console.export_text()
    assert out.count(": ingested, 20000 lines") == 4
    assert out.count(": skipped, 20000 lines") == 4
    assert "top 10% by EUR revenue:" in out
    assert step.order == 60
    pytest.importorskip("requests")
