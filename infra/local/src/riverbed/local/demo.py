"""Demo step: start embedded Postgres (wal_level=logical) with a fresh demo database."""

from __future__ import annotations

from riverbed.core.demo import DemoContext, DemoStep
from riverbed.local.postgres import LocalPostgres

__all__ = ["postgres_step"]

DEMO_DATABASE = "riverbed_demo"


def _start(ctx: DemoContext) -> None:
    server = LocalPostgres(ctx.home / "postgres").start()
    ctx.cleanup.callback(server.stop)
    server.drop_database(DEMO_DATABASE)
    url = server.create_database(DEMO_DATABASE)
    ctx.values["postgres"] = server
    ctx.values["database_url"] = url
    ctx.console.print(f"embedded Postgres on 127.0.0.1:{server.port}, database [bold]{url}")


postgres_step = DemoStep("postgres", 10, "Start embedded Postgres", _start)
