"""Demo step: import generated DSRs, load the ECB rates, ask the API for the top 10%."""

from __future__ import annotations

import requests

from riverbed.core.demo import DemoContext, DemoStep
from riverbed.core.migrations import upgrade
from riverbed.core.web._db import make_engine
from riverbed.data import FIXTURES_DIR
from riverbed.data.dsr import dsr_file_name, write_dsr
from riverbed.ingestor.dsr.fx import import_fx
from riverbed.ingestor.dsr.importer import import_dsr

__all__ = ["step"]

_FILES = [
    ("NO", "NOK", "20200101", "20200131"),
    ("ES", "EUR", "20200101", "20200131"),
    ("CH", "CHF", "20200201", "20200229"),
    ("GB", "GBP", "20200301", "20200331"),
]


def _run(ctx: DemoContext) -> None:
    """Import four generated 20,000-line DSRs and query the percentile endpoint."""
    url = ctx.values.get("database_url") or f"sqlite:///{ctx.home / 'dsr.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        import_fx(engine, FIXTURES_DIR / "fx" / "eurofxref-2020q1-monthly.csv")
        for salt, (territory, currency, start, end) in enumerate(_FILES, start=1):
            name = dsr_file_name("Spotify", "SpotifyPremium", territory, currency, start, end)
            path = write_dsr(ctx.home / "dsr" / name, 20_000, seed=7, salt=salt)
            result = import_dsr(engine, path)
            what = "skipped" if result.skipped else result.status
            ctx.console.print(f"  {name}: {what}, {result.lines_ingested} lines")
    finally:
        engine.dispose()
    api = ctx.values.get("api_url")
    if api:
        response = requests.get(f"{api}/resources/percentile/10", params={"limit": 3}, timeout=30)
        response.raise_for_status()
        total = response.headers.get("X-Total-Count")
        ctx.console.print(f"[bold]top 10% by EUR revenue: {total} resources[/bold]; first three:")
        for item in response.json():
            ctx.console.print(f"  {item['dsp_id']}  {item['revenue']:.2f} EUR  dsrs={item['dsrs']}")


step = DemoStep("dsr", 60, "DSRs: import, EUR rates, top-percentile API", _run)
