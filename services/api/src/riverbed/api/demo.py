"""Demo steps of the API: serve it on the demo database, run the four media tasks."""

from __future__ import annotations

from rich.table import Table
from sqlalchemy import text

from riverbed.api.server import start_background
from riverbed.api.settings import ApiSettings
from riverbed.api.tasks import run_tasks
from riverbed.core.demo import DemoContext, DemoStep
from riverbed.core.migrations import upgrade
from riverbed.core.web._db import make_engine

__all__ = ["serve_step", "tasks_step"]


def _serve(ctx: DemoContext) -> None:
    url = ctx.values["database_url"]
    upgrade(url)
    settings = ApiSettings(database_url=url, port=0, log_json=False)
    server = start_background(settings)
    ctx.cleanup.callback(server.stop)
    ctx.values["api_url"] = server.url
    ctx.console.print(
        f"API migrated and serving on [bold]{server.url}[/bold] "
        f"(OpenAPI: {server.url}/openapi.json, docs: {server.url}/docs)"
    )


def _tasks(ctx: DemoContext) -> None:
    result = run_tasks(ctx.values["api_url"], echo=ctx.console.print)
    ctx.values["media_tasks"] = result
    engine = make_engine(ctx.values["database_url"])
    try:
        with engine.connect() as conn:
            for table in ("pages", "videos", "insights"):
                rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings().all()
                view = Table(title=f"stored in Postgres: {table}")
                cols = list(rows[0].keys()) if rows else ["(empty)"]
                for col in cols:
                    view.add_column(col)
                for row in rows:
                    view.add_row(*(str(row[c]) for c in cols))
                ctx.console.print(view)
    finally:
        engine.dispose()


serve_step = DemoStep("api", 20, "Migrate the database and serve the API", _serve)
tasks_step = DemoStep("media-tasks", 30, "Run the four media tasks over HTTP", _tasks)
