"""`riverbed dsr import PATH...` and `riverbed fx import FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from riverbed.core.errors import UserInputError
from riverbed.core.migrations import upgrade
from riverbed.core.settings import load_settings
from riverbed.core.web._db import make_engine
from riverbed.ingestor.dsr.fx import import_fx
from riverbed.ingestor.dsr.importer import RejectPolicy, import_dsr
from riverbed.ingestor.dsr.settings import DsrSettings

__all__ = ["dsr", "expand_paths", "fx"]


def expand_paths(paths: tuple[Path, ...]) -> list[Path]:
    """Expand directories into their *.tsv / *.tsv.gz files, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.name.endswith((".tsv", ".tsv.gz")))
            if not found:
                raise UserInputError(f"{path}: no *.tsv or *.tsv.gz file in this directory")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UserInputError(f"{path}: no such file or directory")
    return files


def _url(settings: DsrSettings, database_url: str | None) -> str:
    url = database_url or settings.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    return url


@click.group()
def dsr() -> None:
    """Digital sales reports."""


@dsr.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--policy",
    type=click.Choice([p.value for p in RejectPolicy]),
    default=None,
    help="reject-file (default): any malformed line fails the file; quarantine: keep the "
    "valid lines and store the bad ones in dsr_reject.",
)
@click.option("--database-url", default=None, help="Overrides DATABASE_URL.")
def import_cmd(paths: tuple[Path, ...], policy: str | None, database_url: str | None) -> None:
    """Import DSR files or directories of them (gzip or plain TSV)."""
    overrides: dict[str, object] = {"dsr_reject_policy": policy} if policy else {}
    settings = load_settings(DsrSettings, **overrides)
    files = expand_paths(paths)
    engine = make_engine(_url(settings, database_url))
    console = Console(stderr=True)
    failed = 0
    try:
        for path in files:
            try:
                with console.status(f"importing {path.name}"):
                    result = import_dsr(
                        engine,
                        path,
                        policy=settings.dsr_reject_policy,
                        block_bytes=settings.dsr_block_bytes,
                    )
            except UserInputError as exc:  # bad name, unknown territory: next file
                failed += 1
                click.echo(f"FAILED  {exc}")
                continue
            if result.status == "failed":
                failed += 1
                click.echo(f"FAILED  dsr={result.dsr_id} {path}: {result.error}")
            else:
                what = "skipped (same checksum)" if result.skipped else "ingested"
                click.echo(
                    f"{what:8} dsr={result.dsr_id} {path}: {result.lines_ingested} lines"
                    f", {result.lines_rejected} quarantined"
                )
    finally:
        engine.dispose()
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} file(s) failed")


@click.group()
def fx() -> None:
    """Euro foreign-exchange reference rates."""


@fx.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--database-url", default=None, help="Overrides DATABASE_URL.")
def fx_import(file: Path, database_url: str | None) -> None:
    """Load an ECB eurofxref(-hist) CSV into fx_rate (units of currency per euro)."""
    settings = load_settings(DsrSettings)
    engine = make_engine(_url(settings, database_url))
    try:
        result = import_fx(engine, file)
    finally:
        engine.dispose()
    click.echo(
        f"{result.rows} rates for {', '.join(result.currencies) or 'no currency'}"
        f" from {result.first} to {result.last}"
    )
