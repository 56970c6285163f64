"""`riverbed sync run|status|verify`: the CDC consumer and its checks."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from dataclasses import asdict
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from riverbed.core.errors import ServiceError
from riverbed.core.logging import configure_logging
from riverbed.core.settings import RiverbedSettings, load_settings
from riverbed.ingestor.sync.capture import slot_lag_bytes
from riverbed.ingestor.sync.metrics import serve_metrics
from riverbed.ingestor.sync.runner import SyncRunner, tune_gc
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink
from riverbed.ingestor.sync.sources import SOURCES, make_source
from riverbed.ingestor.sync.verify import TableDiff, verify_tables

__all__ = ["make_sink", "sync"]

log = logging.getLogger(__name__)


def _settings(obj: RiverbedSettings | None, **overrides: Any) -> SyncSettings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    if obj is not None and "home" not in clean:
        clean["home"] = obj.home
    return load_settings(SyncSettings, **clean)


SINKS = ("bigquery", "duckdb")
# issue 8 (GCP): `--sink bigquery` (env RIVERBED_INGESTOR_SINK) picks the BigQuery sink.
sink_option = click.option(
    "--sink",
    "sink_name",
    type=click.Choice(SINKS),
    envvar="RIVERBED_INGESTOR_SINK",
    default="duckdb",
    show_default=True,
    help="Where mirrors live (env RIVERBED_INGESTOR_SINK).",
)


def make_sink(settings: SyncSettings, name: str = "duckdb") -> Any:
    """Build the sink `name` (DuckDB file, or BigQuery from RIVERBED_INGESTOR_BIGQUERY_*)."""
    if name == "bigquery":
        from riverbed.ingestor.sync.sinks.bigquery import BigQuerySettings, BigQuerySink

        return BigQuerySink(load_settings(BigQuerySettings))
    return DuckDBSink(
        settings.warehouse_path,
        mirror_schema=settings.mirror_schema,
        changelog_schema=settings.changelog_schema,
        reader_wait_s=settings.reader_wait_s,
    )


def _warm_up() -> None:
    import pyarrow as pa

    pa.array([0])


@click.group("sync")
def sync() -> None:
    """Apply Postgres changes (Debezium) to the DuckDB warehouse, and check the result."""


class _StoppedWhileStarting(Exception):
    """A stop signal came before the consumer was running."""


@sync.command("run")
@click.option("--source", type=click.Choice(sorted(SOURCES)), default="embedded", show_default=True)
@click.option("--metrics-port", type=int, default=None, help="Prometheus port (0: off).")
@click.option("--until-idle", type=float, default=None, help="Stop after this many idle seconds.")
@click.option("--timeout", type=float, default=None, help="Stop after this many seconds.")
@click.option("--tables", default=None, help="Captured tables, comma separated.")
@sink_option
@click.pass_obj
def run_cmd(
    obj: RiverbedSettings | None,
    source: str,
    sink_name: str,
    metrics_port: int | None,
    until_idle: float | None,
    timeout: float | None,
    tables: str | None,
) -> None:
    """Run the consumer (long-running; SIGTERM stops it after the current batch)."""
    settings = _settings(obj, metrics_port=metrics_port, tables=tables)
    if obj is None or not obj.log_json:
        configure_logging(obj.log_level if obj else "INFO", json_logs=True)
    # a SIGTERM while the source and sink are still being set up (waiting for a slot a killed
    # consumer's walsender holds, a slow sink) ends the command cleanly too: nothing has been
    # applied yet, and every step before the first batch is safe to cut (as a SIGKILL would)
    runner: SyncRunner | None = None

    def _graceful(signum: int, frame: FrameType | None) -> None:
        log.info("signal received: stopping after the current batch", extra={"signal": signum})
        if runner is None:
            raise _StoppedWhileStarting
        runner.stop()

    signal.signal(signal.SIGTERM, _graceful)
    signal.signal(signal.SIGINT, _graceful)
    try:
        serve_metrics(settings.metrics_port)
        # pyarrow imports pandas on first use (seconds without bytecode caches): warm it up
        # while the source starts, not inside the first batch
        threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
        runner = SyncRunner(
            make_source(source, settings),
            make_sink(settings, sink_name),
            idle_release_s=settings.idle_release_s,
        )
    except _StoppedWhileStarting:
        log.info("sync stopped before it started")
        return
    tune_gc()
    log.info(
        "sync started",
        extra={
            "source": source,
            "sink": sink_name,
            "tables": list(settings.tables),
            "target": runner.sink.describe(),
            "metrics_port": settings.metrics_port,
        },
    )
    stats = runner.run(until_idle=until_idle, timeout=timeout)
    log.info(
        "sync stopped",
        extra={
            "batches": stats.batches,
            "events": stats.events,
            "seconds": round(stats.elapsed, 1),
        },
    )


@sync.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@sink_option
@click.pass_obj
def status_cmd(obj: RiverbedSettings | None, as_json: bool, sink_name: str) -> None:
    """Per table: rows, last LSN applied, seconds behind the source, slot lag in bytes."""
    settings = _settings(obj)
    sink = make_sink(settings, sink_name)
    rows = sink.status()
    try:
        slot_lag: int | None = slot_lag_bytes(settings)
    except ServiceError as exc:
        slot_lag = None
        log.warning("slot lag unavailable: %s", exc)
    now = time.time()
    out = []
    for st in rows:
        behind = None if st.last_lag_s is None else round(max(0.0, st.last_lag_s), 3)
        idle = None if st.last_applied_at is None else round(now - st.last_applied_at.timestamp())
        out.append(
            {
                "table": st.table,
                "rows": st.rows,
                "deleted": st.deleted,
                "last_lsn": st.last_lsn,
                "last_commit_ts": st.last_op_ts.isoformat() if st.last_op_ts else None,
                "last_applied_at": st.last_applied_at.isoformat() if st.last_applied_at else None,
                "seconds_behind": behind,
                "idle_s": idle,
                "slot_lag_bytes": slot_lag,
            }
        )
    dead = len(sink.dead_letters(1000))
    if as_json:
        click.echo(json.dumps({"tables": out, "dead_letters": dead, "slot_lag_bytes": slot_lag}))
        return
    table = Table("table", "rows", "deleted", "last LSN", "s behind", "slot lag (bytes)")
    for r in out:
        table.add_row(
            str(r["table"]),
            str(r["rows"]),
            str(r["deleted"]),
            str(r["last_lsn"]),
            str(r["seconds_behind"]),
            str(r["slot_lag_bytes"]),
        )
    console = Console()
    console.print(table)
    console.print(f"dead letters: {dead}")


def _print_diffs(diffs: list[TableDiff], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([asdict(d) | {"ok": d.ok} for d in diffs], default=str))
        return
    for d in diffs:
        mark = "OK  " if d.ok else "DIFF"
        click.echo(
            f"{mark} {d.table}: source {d.source_rows} rows, mirror {d.mirror_rows} rows,"
            f" hash {d.source_hash[:12]} / {d.mirror_hash[:12]}"
        )
        for label, keys in (("missing", d.missing), ("extra", d.extra), ("changed", d.changed)):
            if keys:
                click.echo(f"     {label} keys: {', '.join(str(list(k)) for k in keys)}")
        if d.missing_columns:
            click.echo(f"     columns missing in mirror: {', '.join(d.missing_columns)}")


@sync.command("verify")
@click.option("--wait", type=float, default=0.0, help="Retry for up to this many seconds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@sink_option
@click.pass_obj
def verify_cmd(obj: RiverbedSettings | None, wait: float, as_json: bool, sink_name: str) -> None:
    """Compare Postgres with the DuckDB mirrors; exit 1 on any difference."""
    settings = _settings(obj)
    sink = make_sink(settings, sink_name) if sink_name != "duckdb" else None
    deadline = time.monotonic() + wait
    while True:
        diffs = verify_tables(settings, sink)
        if all(d.ok for d in diffs) or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    _print_diffs(diffs, as_json)
    if not all(d.ok for d in diffs):
        sys.exit(1)
