"""Demo step 40: the media rows reach DuckDB through the embedded Debezium engine."""

from __future__ import annotations

import contextlib
import shutil
import time

import psycopg
from rich.table import Table

from riverbed.core.demo import DemoContext, DemoStep
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.capture import prepare_source
from riverbed.ingestor.sync.runner import SyncRunner
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink
from riverbed.ingestor.sync.sources.embedded import EmbeddedSource
from riverbed.ingestor.sync.verify import verify_tables

__all__ = ["capture_step", "step"]

SLOT = "riverbed_demo"


def _drop_slot(settings: SyncSettings) -> None:
    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(settings.pg_url, autocommit=True) as conn,
    ):
        conn.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            " WHERE slot_name = %s AND NOT active",
            (SLOT,),
        )


def _settings(ctx: DemoContext, **extra: object) -> SyncSettings:
    return load_settings(
        SyncSettings,
        database_url=ctx.values["database_url"],
        home=ctx.home / "cdc",
        slot_name=SLOT,
        publication_name=SLOT,
        metrics_port=0,
        heartbeat_interval_ms=1000,
        **extra,
    )


def _capture(ctx: DemoContext) -> None:
    """Before the media tasks: publication + slot, so every change (the delete too) streams."""
    shutil.rmtree(ctx.home / "cdc", ignore_errors=True)  # the demo database is new each run
    settings = _settings(ctx)
    _drop_slot(settings)
    ctx.cleanup.callback(_drop_slot, settings)
    prepare_source(settings)
    with psycopg.connect(settings.pg_url, autocommit=True) as conn:
        conn.execute("SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", (SLOT,))
    ctx.values["cdc_slot"] = SLOT
    ctx.console.print(f"publication and replication slot [bold]{SLOT}[/bold] ready (pgoutput)")


def _run(ctx: DemoContext) -> None:
    # with the slot made before the media tasks, stream their history; else snapshot
    streamed = ctx.values.get("cdc_slot") == SLOT
    settings = _settings(ctx, snapshot_mode="no_data" if streamed else "initial")
    if not streamed:
        shutil.rmtree(ctx.home / "cdc", ignore_errors=True)
        _drop_slot(settings)
        ctx.cleanup.callback(_drop_slot, settings)
    sink = DuckDBSink(settings.warehouse_path)
    ctx.console.print("starting Debezium (embedded, pgoutput) and applying to DuckDB ...")
    t0 = time.monotonic()
    stats = SyncRunner(EmbeddedSource(settings), sink).run(until_idle=2.0, timeout=180)
    ctx.console.print(
        f"caught up: {stats.events} change events in {stats.batches} batches,"
        f" {time.monotonic() - t0:.1f}s including the JVM start"
    )
    ctx.values["warehouse"] = settings.warehouse_path
    for status in sink.status():
        cols = list(sink.columns(status.table))
        rows = sink.read_rows(status.table, [*cols, "_deleted", "_lsn"]).to_pylist()
        cols += ["_deleted", "_lsn"]
        view = Table(title=f"DuckDB mirror.{status.table}")
        for c in cols:
            view.add_column(c)
        for r in rows:
            view.add_row(*(str(r[c]) for c in cols))
        ctx.console.print(view)
        lag = f"{status.last_lag_s:.3f}s" if status.last_lag_s is not None else "n/a"
        ctx.console.print(
            f"  {status.table}: {status.rows} live, {status.deleted} deleted (kept with"
            f" _deleted = true), last LSN {status.last_lsn}, lag commit->DuckDB {lag} (the consumer started after the tasks: catch-up)"
        )
    diffs = verify_tables(settings, sink)
    for d in diffs:
        mark = "[green]OK[/green]" if d.ok else "[red]DIFF[/red]"
        ctx.console.print(f"verify {d.table}: {mark} ({d.source_rows} rows in both)")


capture_step = DemoStep("cdc-capture", 25, "CDC: publication and replication slot", _capture)
step = DemoStep("cdc", 40, "CDC: Postgres -> Debezium (embedded) -> DuckDB", _run)
