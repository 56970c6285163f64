"""Demo step: generate SAV messages, compute response times, post them to the demo's API."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from riverbed.analytics.sav._pipeline import run_sav
from riverbed.analytics.sav._sources import CsvSource
from riverbed.core.demo import DemoContext, DemoStep
from riverbed.core.errors import ServiceError

__all__ = ["step"]


def _run(ctx: DemoContext) -> None:
    from riverbed.data.sav import write_sav_csv

    folder = ctx.home / "sav"
    data = folder / "messages.csv"
    rows = write_sav_csv(data, int(ctx.values.get("sav_messages", 50_000)))
    api = ctx.values.get("api_url")
    result = run_sav(
        CsvSource(data),
        folder / "out",
        post_url=f"{api}/sav/metrics" if api else None,
        sender_options={"backoff": 0.05},
    )
    ctx.console.print(
        f"{rows:,} messages -> {result.tickets:,} tickets, {result.answered:,} answered; "
        f"CSV files in {folder / 'out'}"
    )
    by_country = pd.read_csv(result.files["country"], keep_default_na=False)
    view = Table(title="SAV response times per country (seconds)")
    for col in by_country.columns:
        view.add_column(col)
    for row in by_country.itertuples(index=False):
        view.add_row(*(str(v) for v in row))
    ctx.console.print(view)
    if result.report is not None:
        ctx.console.print(f"posted to {api}/sav/metrics: {result.report.summary()}")
        if not result.report.ok:
            raise ServiceError("some SAV batches were not delivered")


step = DemoStep("sav", 80, "SAV: client-to-merchant response times, posted to the API", _run)
