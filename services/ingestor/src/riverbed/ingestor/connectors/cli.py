"""`riverbed connectors apply|status|restart|delete`: drive Kafka Connect from `connectors/`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from riverbed.core.errors import ServiceError, UserInputError
from riverbed.ingestor.connectors._client import ConnectClient, ConnectorStatus
from riverbed.ingestor.connectors._files import DEFAULT_DIR, find_connectors
from riverbed.ingestor.connectors._plugins import for_worker
from riverbed.ingestor.connectors._prepare import ensure_heartbeat_table

__all__ = ["connectors"]

_DEFAULT_URL = "http://127.0.0.1:8083"

url_option = click.option(
    "--connect-url",
    envvar="CONNECT_URL",
    default=_DEFAULT_URL,
    show_default=True,
    help="Kafka Connect REST URL (env CONNECT_URL).",
)


@click.group("connectors")
def connectors() -> None:
    """Deploy and inspect the Debezium connectors of `connectors/` on Kafka Connect."""


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UserInputError(f"--set expects KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


def wait_running(client: ConnectClient, name: str, timeout: float) -> ConnectorStatus:
    """Poll until connector `name` and its tasks run; raise ServiceError when one fails."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = client.find_status(name)
        if status is None:
            time.sleep(0.3)
            continue
        if status.running:
            return status
        if status.state == "FAILED" or any(t.state == "FAILED" for t in status.tasks):
            raise ServiceError(f"connector {name} failed: {status.last_error}")
        time.sleep(0.5)
    state = f"state {status.state}, tasks {[t.state for t in status.tasks]}" if status else "none"
    raise ServiceError(f"connector {name} not running after {timeout:.0f}s ({state})")


@connectors.command("apply")
@click.argument("targets", nargs=-1)
@url_option
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DIR,
    show_default=True,
    help="Folder of connector JSON files.",
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config key.")
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    help="Source database: its heartbeat table is created first (env DATABASE_URL).",
)
@click.option(
    "--wait",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to wait for RUNNING (0: do not wait).",
)
def apply(
    targets: tuple[str, ...],
    connect_url: str,
    directory: Path,
    sets: tuple[str, ...],
    database_url: str | None,
    wait: float,
) -> None:
    """Create or update connectors (files or names; default: every file), idempotently.

    `${env:NAME}` references are left for Kafka Connect to resolve from the worker's
    environment, so secrets never travel through this command.
    """
    client = ConnectClient(connect_url)
    overrides = _parse_sets(sets)
    files = [c.with_overrides(overrides) for c in find_connectors(targets, directory)]
    if database_url:
        ensure_heartbeat_table(database_url)
    for conn in (for_worker(c, client) for c in files):
        problems = client.validate(conn.config)
        if problems:
            raise UserInputError(
                f"{conn.path}: connector {conn.name} has an invalid config:\n  "
                + "\n  ".join(problems)
            )
        created = client.put_config(conn.name, conn.config)
        click.echo(f"{'created' if created else 'updated'} connector {conn.name} ({conn.path})")
        if wait > 0:
            status = wait_running(client, conn.name, wait)
            click.echo(f"{conn.name}: {status.state}, {len(status.tasks)} task(s) running")


@connectors.command("status")
@click.argument("names", nargs=-1)
@url_option
def status(names: tuple[str, ...], connect_url: str) -> None:
    """Show connector and task states and the last error; exit 1 when one has failed."""
    client = ConnectClient(connect_url)
    names = names or tuple(client.connectors())
    if not names:
        click.echo(f"no connectors deployed on {connect_url}")
        return
    table = Table("connector", "state", "tasks", "worker", "last error")
    failed = False
    for name in names:
        st = client.status(name)
        tasks = ", ".join(f"{t.id}:{t.state}" for t in st.tasks) or "-"
        failed |= st.state == "FAILED" or any(t.state == "FAILED" for t in st.tasks)
        table.add_row(st.name, st.state, tasks, st.worker, st.last_error or "")
    Console(width=int(os.environ.get("COLUMNS", "160"))).print(table)
    if failed:
        sys.exit(1)


@connectors.command("restart")
@click.argument("names", nargs=-1, required=True)
@url_option
@click.option("--failed-only", is_flag=True, help="Restart only failed instances.")
def restart(names: tuple[str, ...], connect_url: str, failed_only: bool) -> None:
    """Restart connectors and their tasks."""
    client = ConnectClient(connect_url)
    for name in names:
        client.restart(name, failed_only=failed_only)
        click.echo(f"restarted connector {name}")


@connectors.command("delete")
@click.argument("names", nargs=-1, required=True)
@url_option
@click.option("--missing-ok", is_flag=True, help="Do not fail for a connector that is absent.")
def delete(names: tuple[str, ...], connect_url: str, missing_ok: bool) -> None:
    """Delete connectors (their offsets and replication slot stay)."""
    client = ConnectClient(connect_url)
    for name in names:
        if client.delete(name, missing_ok=missing_ok):
            click.echo(f"deleted connector {name}")
        else:
            click.echo(f"connector {name} not deployed")
