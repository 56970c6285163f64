"""Demo step: generate two nights of streaming data and load them into SCD2 history."""

from __future__ import annotations

from datetime import date

from riverbed.core.demo import DemoContext, DemoStep
from riverbed.data.streaming import generate_streaming, mutate_vendor_dump
from riverbed.ingestor.streaming import DEFAULT_WAREHOUSE_NAME
from riverbed.ingestor.streaming._load import load

__all__ = ["step"]


def _run(ctx: DemoContext) -> None:
    """Load a generated delivery, then the next night's (1% updates, 0.5% deletes)."""
    data = generate_streaming(ctx.home / "streaming-data")
    mutate_vendor_dump(data / "vendor", data / "vendor-night2")
    warehouse = ctx.home / DEFAULT_WAREHOUSE_NAME
    for suffix in ("", ".wal"):
        warehouse.with_name(warehouse.name + suffix).unlink(missing_ok=True)
    for vendor, day in (("vendor", date(2021, 12, 31)), ("vendor-night2", date(2022, 1, 1))):
        result = load(data / "internal", data / vendor, day, warehouse)
        ctx.console.print(f"[bold]{result.message}[/bold]")
        for ent in result.entities:
            changes = ", ".join(f"{k} {v}" for k, v in ent.changes.items() if v)
            ctx.console.print(
                f"  {ent.name:<8} {ent.records:>6} records, {ent.rejected} rejected: {changes}"
            )
    ctx.values["streaming_warehouse"] = warehouse


step = DemoStep("streaming-load", 70, "Streaming: two nightly vendor dumps into SCD2 history", _run)
