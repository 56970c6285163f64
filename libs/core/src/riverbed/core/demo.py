"""`riverbed demo`: run the end-to-end demo as an ordered list of steps that services register."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.rule import Rule

from riverbed.core.settings import RiverbedSettings

__all__ = ["DEMO_ENTRY_POINT_GROUP", "DemoContext", "DemoStep", "demo", "load_steps"]

DEMO_ENTRY_POINT_GROUP = "riverbed.demo"
log = logging.getLogger(__name__)


@dataclass
class DemoContext:
    """State shared by the demo's steps; `cleanup` stops what steps started."""

    home: Path
    console: Console
    values: dict[str, Any] = field(default_factory=dict)
    cleanup: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


@dataclass(frozen=True)
class DemoStep:
    """One demo step: `order` places it in the run, `run` does the work."""

    name: str
    order: int
    title: str
    run: Callable[[DemoContext], None]


def load_steps(until: str | None = None) -> list[DemoStep]:
    """Load registered steps in order, optionally stopping after the step named `until`."""
    steps = []
    for ep in entry_points(group=DEMO_ENTRY_POINT_GROUP):
        step = ep.load()
        if not isinstance(step, DemoStep):
            raise TypeError(f"entry point {ep.value!r} is not a DemoStep")
        steps.append(step)
    steps.sort(key=lambda s: (s.order, s.name))
    if until is not None:
        names = [s.name for s in steps]
        if until not in names:
            raise click.BadParameter(f"unknown step {until!r}; steps: {', '.join(names)}")
        steps = steps[: names.index(until) + 1]
    return steps


@click.command("demo")
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    default=None,
    help="State directory for the demo (default: .riverbed/demo).",
)
@click.option("--until", default=None, help="Stop after this step (see --list).")
@click.option("--list", "list_only", is_flag=True, help="List the steps and exit.")
@click.option("--verbose", is_flag=True, help="Show the INFO logs of every component.")
@click.pass_obj
def demo(
    settings: RiverbedSettings | None,
    home: Path | None,
    until: str | None,
    list_only: bool,
    verbose: bool,
) -> None:
    """Run the end-to-end demo on embedded defaults (Postgres, API, CDC, DuckDB)."""
    settings = settings or RiverbedSettings()
    if not verbose:
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # it sets INFO on itself
    console = Console()
    steps = load_steps(until)
    if list_only:
        for s in steps:
            console.print(f"{s.order:>4}  {s.name:<16} {s.title}")
        return
    home = home or settings.home / "demo"
    home.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(home=home, console=console)
    started = time.monotonic()
    with ctx.cleanup:
        for i, step in enumerate(steps, 1):
            console.print(Rule(f"[bold]{i}/{len(steps)} {step.title}"))
            t0 = time.monotonic()
            step.run(ctx)
            console.print(f"[dim]{step.name} done in {time.monotonic() - t0:.1f}s[/dim]")
    console.print(Rule(f"[bold green]demo finished in {time.monotonic() - started:.1f}s"))
