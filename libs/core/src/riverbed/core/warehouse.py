"""Resolve `duckdb:PATH` warehouse specs shared by a loader and its readers."""

from __future__ import annotations

from pathlib import Path

from riverbed.core.errors import UserInputError
from riverbed.core.settings import RiverbedSettings

__all__ = ["duckdb_warehouse_path"]


def duckdb_warehouse_path(
    spec: str | None, settings: RiverbedSettings | None, default_name: str
) -> Path:
    """Return the DuckDB file of `duckdb:PATH` (default: `<home>/<default_name>`)."""
    if not spec:
        home = (settings or RiverbedSettings()).home
        return Path(home) / default_name
    scheme, sep, rest = spec.partition(":")
    if not sep or scheme.lower() != "duckdb" or not rest:
        raise UserInputError(f"--warehouse {spec!r}: expected duckdb:PATH (e.g. duckdb:wh.duckdb)")
    return Path(rest.removeprefix("//")).expanduser()
