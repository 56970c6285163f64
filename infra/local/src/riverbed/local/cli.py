"""`riverbed dev`: start, stop and show the local stack."""

from __future__ import annotations

import shlex

import click
from rich.console import Console
from rich.table import Table

from riverbed.core.settings import RiverbedSettings
from riverbed.local.stack import Stack

__all__ = ["dev"]


def _stack(settings: RiverbedSettings | None) -> Stack:
    settings = settings or RiverbedSettings()
    return Stack(settings.home)


@click.group("dev")
def dev() -> None:
    """Start, stop and inspect the local stack (no Docker needed)."""


@dev.command("up")
@click.option(
    "--kafka", is_flag=True, help="Also start Kafka and Connect and apply the connectors."
)
@click.option("--pubsub", is_flag=True, help="Also start the Pub/Sub emulator (pstest).")
@click.pass_obj
def up(settings: RiverbedSettings | None, kafka: bool, pubsub: bool) -> None:
    """Start the local stack and print how to use it."""
    stack = _stack(settings)
    stack.up(kafka=kafka, pubsub=pubsub)
    click.echo("local stack is up; point commands at it with:")
    click.echo('  eval "$(riverbed dev env)"')


@dev.command("down")
@click.pass_obj
def down(settings: RiverbedSettings | None) -> None:
    """Stop every service of the local stack."""
    _stack(settings).down()
    click.echo("local stack stopped")


@dev.command("status")
@click.pass_obj
def status(settings: RiverbedSettings | None) -> None:
    """Show which services run and where."""
    table = Table("service", "state", "address", "details")
    for name, info in _stack(settings).status().items():
        state = "[green]running" if info.pop("running") else "[red]stopped"
        address = str(info.pop("address", ""))
        details = " ".join(f"{k}={v}" for k, v in info.items() if v is not None)
        table.add_row(name, state, address, details)
    Console().print(table)


@dev.command("env")
@click.pass_obj
def env(settings: RiverbedSettings | None) -> None:
    """Print `export NAME=value` lines for the running stack."""
    for name, value in _stack(settings).env().items():
        click.echo(f"export {name}={shlex.quote(value)}")
