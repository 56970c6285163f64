"""`riverbed reviews load|generate`: fill the reviews table from a file or from the generator."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from riverbed.api.reviews._load import LoadResult, load_source
from riverbed.api.reviews._readers import Source, open_source
from riverbed.core.errors import UserInputError
from riverbed.core.settings import normalize_database_url
from riverbed.data.reviews import generate_reviews, write_reviews

__all__ = ["reviews"]


def _check_url(url: str) -> str:
    if not url.startswith(("sqlite:", "postgres")):
        raise UserInputError(f"--to must be a sqlite:/// or postgresql:// URL, got {url!r}")
    return normalize_database_url(url)


def _run(source: Source, url: str, skip_bad: bool) -> LoadResult:
    console = Console(stderr=True)
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} " + source.unit),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(f"loading {Path(source.label).name}", total=source.total)

        def tick() -> None:
            progress.update(task, completed=source.position())

        result = load_source(source, url, skip_bad=skip_bad, tick=tick)
    elapsed = time.monotonic() - started
    console.print(
        f"read {result.read:,} records: inserted {result.inserted:,}, "
        f"already stored {result.already_stored:,}, bad {result.bad_count:,} "
        f"in {elapsed:.1f}s"
    )
    return result


@click.group("reviews")
def reviews() -> None:
    """Load and generate the reviews data the Reviews API serves."""


@reviews.command("load")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(path_type=Path),
    help="JSON-lines dump (.gz or not), CSV export, or exercise SQLite file.",
)
@click.option(
    "--to",
    "url",
    required=True,
    envvar="DATABASE_URL",
    show_envvar=True,
    help="Target database URL (sqlite:///file or postgresql://...).",
)
@click.option("--skip-bad", is_flag=True, help="Load the valid records even when some are bad.")
def load(source: Path, url: str, skip_bad: bool) -> None:
    """Load reviews into DATABASE_URL (idempotent: stored reviews are not inserted twice)."""
    _run(open_source(source), _check_url(url), skip_bad)


def _generated(rows: int, seed: int, done: list[int]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for i, row in enumerate(generate_reviews(rows, seed=seed), 1):
        done[0] = i
        yield i, row


@reviews.command("generate")
@click.option("--rows", required=True, type=click.IntRange(min=0), help="Number of reviews.")
@click.option("--seed", default=0, show_default=True, type=int, help="Generator seed.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write a file: .json/.jsonl (Amazon dump) or .csv (export), optionally .gz.",
)
@click.option("--to", "url", help="Load straight into this database URL instead.")
def generate(rows: int, seed: int, out: Path | None, url: str | None) -> None:
    """Generate N deterministic reviews in the exercise's schema (to a file or a database)."""
    if (out is None) == (url is None):
        raise UserInputError("give exactly one of --out FILE or --to DATABASE_URL")
    if out is not None:
        try:
            write_reviews(out, rows, seed=seed)
        except ValueError as exc:
            raise UserInputError(str(exc)) from None
        click.echo(f"wrote {rows:,} reviews to {out}", err=True)
        return
    assert url is not None
    done = [0]
    source = Source(
        f"generated(rows={rows}, seed={seed})",
        _generated(rows, seed, done),
        rows,
        "rows",
        lambda: done[0],
    )
    _run(source, _check_url(url), skip_bad=False)
