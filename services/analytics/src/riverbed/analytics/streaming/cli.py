"""`riverbed streaming answers`: print the six answers (plugged into the `streaming` group)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from riverbed.analytics.streaming import DEFAULT_WAREHOUSE_NAME
from riverbed.analytics.streaming._answers import compute_answers
from riverbed.analytics.streaming._settings import AnswersSettings
from riverbed.core.errors import UserInputError
from riverbed.core.settings import RiverbedSettings, load_settings
from riverbed.core.warehouse import duckdb_warehouse_path

__all__ = ["answers"]


def _relative(path: Path) -> str:
    """Show a SQL file relative to the working directory when possible."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command("answers")
@click.option(
    "--warehouse",
    default=None,
    help=f"duckdb:PATH (default: <RIVERBED_HOME>/{DEFAULT_WAREHOUSE_NAME}, as for load).",
)
@click.option(
    "--as-of", "as_of", default=None, help="Answer as of this date (SCD2 versions valid then)."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def answers(
    settings: RiverbedSettings | None, warehouse: str | None, as_of: str | None, fmt: str
) -> None:
    """Answer the six business questions from the streaming warehouse."""
    day: date | None = None
    if as_of:
        try:
            day = datetime.strptime(as_of, "%Y-%m-%d").date()
        except ValueError:
            raise UserInputError(f"--as-of {as_of!r}: expected a date YYYY-MM-DD") from None
    path = duckdb_warehouse_path(warehouse, settings, DEFAULT_WAREHOUSE_NAME)
    results = compute_answers(path, day, load_settings(AnswersSettings))
    if fmt == "json":
        click.echo(json.dumps({a.key: a.as_json() for a in results}, indent=2, default=str))
        return
    for a in results:
        click.echo(f"{a.key}. {a.question}")
        click.echo(f"    answer: {a.answer} {a.unit}")
        click.echo(f"    reading: {a.interpretation}")
        click.echo(f"    sql: {_relative(a.sql_file)}")
