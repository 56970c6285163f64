"""Demo step: answer the six streaming questions from the warehouse the load step built."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from riverbed.analytics.streaming import DEFAULT_WAREHOUSE_NAME
from riverbed.analytics.streaming._answers import compute_answers
from riverbed.core.demo import DemoContext, DemoStep

__all__ = ["step"]


def _run(ctx: DemoContext) -> None:
    """Print q1..q6 with their units and SQL files."""
    warehouse = Path(ctx.values.get("streaming_warehouse") or ctx.home / DEFAULT_WAREHOUSE_NAME)
    table = Table("q", "question", "answer", "sql")
    for a in compute_answers(warehouse):
        table.add_row(a.key, a.question, f"{a.answer} {a.unit}", a.sql_file.name)
    ctx.console.print(table)


step = DemoStep("streaming-answers", 71, "Streaming: the six business answers", _run)
