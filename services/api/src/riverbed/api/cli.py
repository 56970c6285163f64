"""`riverbed api`: migrate the database, serve the API, run the media tasks."""

from __future__ import annotations

import click

from riverbed.api.settings import ApiSettings
from riverbed.core.logging import configure_logging
from riverbed.core.migrations import upgrade
from riverbed.core.settings import load_settings

__all__ = ["api"]


@click.group("api")
def api() -> None:
    """Serve the OLTP API (media, reviews, DSR, SAV) and manage its database."""


@api.command("migrate")
@click.option("--database-url", default=None, help="Database URL (default: $DATABASE_URL).")
def migrate(database_url: str | None) -> None:
    """Bring the database to the latest schema."""
    overrides = {"database_url": database_url} if database_url else {}
    settings = load_settings(ApiSettings, **overrides)
    upgrade(settings.database_url)
    click.echo(f"database at the latest schema: {settings.database_url.split('@')[-1]}")


@api.command("serve")
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default $PORT or 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes; >1 uses gunicorn.")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API on a migrated database ($DATABASE_URL)."""
    from riverbed.api.server import check_migrated, run_gunicorn, start_background

    overrides = {
        k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v is not None
    }
    settings = load_settings(ApiSettings, **overrides)
    configure_logging(settings.log_level, json_logs=settings.log_json)
    check_migrated(settings)
    if settings.workers > 1:
        run_gunicorn(settings)  # does not return: this process becomes gunicorn
    server = start_background(settings)
    click.echo(f"serving on {server.url} (Ctrl+C to stop)")
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


@api.command("tasks")
@click.option("--base-url", required=True, help="Base URL of a running API.")
def tasks(base_url: str) -> None:
    """Run the four media tasks over HTTP, printing each step."""
    from riverbed.api.tasks import run_tasks

    run_tasks(base_url, echo=click.echo)
