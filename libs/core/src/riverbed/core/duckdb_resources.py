"""DuckDB resource settings shared by the services that open a DuckDB warehouse.

Without a `memory_limit` DuckDB takes up to 80 % of the machine's RAM, which is too greedy on a
shared host or in a container. The default here is bounded: half of the memory available to the
process (the cgroup limit when lower than the physical RAM), at least 256 MiB and at most
4 GiB; beyond it DuckDB spills to `temp_directory` (default `<warehouse>.tmp`, next to the
warehouse file). Each service subclasses `DuckDBResourceSettings` with its own env prefix.
This module does not import duckdb: it only builds the `SET` statements.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings

__all__ = [
    "DEFAULT_MEMORY_CAP",
    "DEFAULT_MEMORY_FLOOR",
    "DEFAULT_MEMORY_FRACTION",
    "MEMORY_PATTERN",
    "DuckDBResourceSettings",
    "available_memory",
    "default_memory_limit",
    "resource_statements",
]

DEFAULT_MEMORY_FRACTION = 0.5
DEFAULT_MEMORY_FLOOR = 256 * 2**20
DEFAULT_MEMORY_CAP = 4 * 2**30
MEMORY_PATTERN = r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$"
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)


def available_memory() -> int | None:
    """Return the bytes this process may use: physical RAM or a lower cgroup limit."""
    sizes = []
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sizes.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for path in _CGROUP_LIMITS:
        try:
            text = path.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit():
            sizes.append(int(text))  # "max" (v2) or a huge number (v1) mean no limit
    sizes = [s for s in sizes if s > 0]
    return min(sizes) if sizes else None


def default_memory_limit(available: int | None = None) -> str:
    """Return the bounded default memory_limit (e.g. `4096MiB`), see the module docstring."""
    total = available_memory() if available is None else available
    if total is None:
        return f"{DEFAULT_MEMORY_CAP // 2**20}MiB"
    wanted = int(total * DEFAULT_MEMORY_FRACTION)
    return f"{max(DEFAULT_MEMORY_FLOOR, min(DEFAULT_MEMORY_CAP, wanted)) // 2**20}MiB"


class DuckDBResourceSettings(BaseSettings):
    """memory_limit / threads / temp_directory of a DuckDB connection (subclass: env prefix)."""

    memory_limit: str = Field(
        default_factory=default_memory_limit,
        pattern=MEMORY_PATTERN,
        description="e.g. 8GB; default half the available memory, 256 MiB to 4 GiB",
    )
    threads: int | None = Field(None, ge=1, le=256, description="default: every core")
    temp_directory: str | None = Field(None, description="spill folder (default <warehouse>.tmp)")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def resource_statements(settings: DuckDBResourceSettings, warehouse: Path | None) -> list[str]:
    """Return the `SET` statements applying `settings` to a connection to `warehouse`."""
    stmts = [f"SET memory_limit = {_quote(settings.memory_limit)}"]
    if settings.threads:
        stmts.append(f"SET threads = {int(settings.threads)}")
    temp = settings.temp_directory or (f"{warehouse}.tmp" if warehouse is not None else None)
    if temp:
        stmts.append(f"SET temp_directory = {_quote(temp)}")
    return stmts
