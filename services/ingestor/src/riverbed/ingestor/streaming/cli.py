"""`riverbed streaming ...`: one group; `load` here, other members plug in subcommands."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from riverbed.core.cli import PluginGroup
from riverbed.core.errors import UserInputError
from riverbed.core.settings import RiverbedSettings, load_settings
from riverbed.core.warehouse import duckdb_warehouse_path
from riverbed.ingestor.streaming import DEFAULT_WAREHOUSE_NAME
from riverbed.ingestor.streaming._load import load
from riverbed.ingestor.streaming.settings import StreamingSettings

__all__ = ["SUBCOMMAND_GROUP", "streaming"]

SUBCOMMAND_GROUP = "riverbed.streaming"


class StreamingGroup(PluginGroup):
    """A group that also lists subcommands registered under `riverbed.streaming`."""

    entry_point_group = SUBCOMMAND_GROUP


def _parse_date(value: str) -> date:
    """Parse an ISO date argument."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise UserInputError(f"--as-of {value!r}: expected a date YYYY-MM-DD") from None


@click.group(cls=StreamingGroup)
def streaming() -> None:
    """Streaming app + vendor book data: nightly loads and the business answers."""


@streaming.command("load")
@click.option(
    "--internal",
    "internal",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder with users.csv, movies.csv, streams.csv.",
)
@click.option(
    "--vendor",
    "vendor",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder with the vendor's full dump: authors.json, books.json, reviews.json.",
)
@click.option(
    "--as-of", "as_of", required=True, help="Delivery date YYYY-MM-DD (dumps load in order)."
)
@click.option(
    "--warehouse",
    default=None,
    help=f"duckdb:PATH (default: <RIVERBED_HOME>/{DEFAULT_WAREHOUSE_NAME}).",
)
@click.pass_obj
def load_cmd(
    settings: RiverbedSettings | None,
    internal: Path,
    vendor: Path,
    as_of: str,
    warehouse: str | None,
) -> None:
    """Validate and load one nightly delivery (SCD2 for every dimension)."""
    path = duckdb_warehouse_path(warehouse, settings, DEFAULT_WAREHOUSE_NAME)
    day = _parse_date(as_of)
    result = load(internal, vendor, day, path, load_settings(StreamingSettings))
    click.echo(f"{result.message} ({path})")
    for ent in result.entities:
        changes = ", ".join(f"{k} {v}" for k, v in ent.changes.items())
        rate = ent.records / ent.seconds if ent.seconds else 0.0
        click.echo(
            f"  {ent.name:<8} {ent.records:>10} records {ent.rejected:>6} rejected "
            f"{ent.seconds:7.1f} s {rate:>9.0f} rows/s" + (f"  [{changes}]" if changes else "")
        )
    if result.warnings:
        click.echo(f"  {result.warnings} warnings (kept records with dangling references)")
    if any(e.rejected for e in result.entities) or result.warnings:
        click.echo("  see the rejects table for reasons")
