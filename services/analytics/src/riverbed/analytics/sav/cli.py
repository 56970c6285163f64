"""`riverbed sav run|generate`: the SAV job and its data generator."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import click

from riverbed.analytics.sav._pipeline import run_sav
from riverbed.analytics.sav._settings import SavSettings
from riverbed.analytics.sav._sources import open_source
from riverbed.core.errors import RiverbedError
from riverbed.core.settings import load_settings

__all__ = ["sav"]


@click.group()
def sav() -> None:
    """After-sales (SAV) response times between clients and merchants."""


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


@sav.command("run")
@click.option("--source", "source_spec", required=True, help="csv:PATH or db:URL")
@click.option("--date", "day", callback=_parse_day, help="Keep tickets first written that UTC day.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of the output CSV files.",
)
@click.option("--post-url", default=None, help="POST the aggregates there, 10 per request.")
@click.option("--table", default=None, help="Table of a db: source (default sav_messages).")
def run(
    source_spec: str, day: date | None, out_dir: Path, post_url: str | None, table: str | None
) -> None:
    """Compute per-ticket response times and per-country/per-merchant aggregates."""
    settings = load_settings(SavSettings)
    source = open_source(source_spec, table=table or settings.table, day=day)
    result = run_sav(
        source,
        out_dir,
        day=day,
        post_url=post_url or settings.post_url,
        sender_options=settings.sender_options(),
    )
    click.echo(f"{result.messages} messages, {result.tickets} tickets, {result.answered} answered")
    for path in result.files.values():
        click.echo(f"wrote {path}")
    report = result.report
    if report is not None:
        click.echo(report.summary())
        if not report.ok:
            failed = out_dir / "sav_post_failures.json"
            failed.write_text(json.dumps([asdict(f) for f in report.failures], indent=2))
            raise RiverbedError(
                f"{len(report.failures)} batch(es) not delivered to {post_url or settings.post_url}"
                f"; their entries are in {failed}"
            )


@sav.command("generate")
@click.option(
    "--out", "out_path", required=True, type=click.Path(path_type=Path), help="CSV file to write."
)
@click.option("--messages", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--start",
    default="2024-05-01",
    show_default=True,
    callback=_parse_day,
    help="First UTC day of the data.",
)
def generate(out_path: Path, messages: int, seed: int, days: int, start: date) -> None:
    """Write realistic SAV messages (support staff, merchant-first and unanswered tickets)."""
    from datetime import UTC

    from riverbed.data.sav import SavConfig, write_sav_csv

    config = SavConfig(
        seed=seed, days=days, start=datetime(start.year, start.month, start.day, tzinfo=UTC)
    )
    rows = write_sav_csv(out_path, messages, config)
    click.echo(f"wrote {rows} messages to {out_path}")
