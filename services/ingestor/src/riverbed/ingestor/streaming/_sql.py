"""Read the domain's `.sql` files and run them with named parameters."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["SQL_DIR", "run_script", "sql_text"]

SQL_DIR = Path(__file__).with_name("sql")
_PARAM = re.compile(r"\$([a-z_]+)")


@cache
def sql_text(name: str) -> str:
    """Return the text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _statements(script: str) -> list[str]:
    """Split a script on the semicolons that end a line."""
    parts = re.split(r";\s*$", script, flags=re.MULTILINE)
    out = []
    for part in parts:
        body = "\n".join(ln for ln in part.splitlines() if not ln.strip().startswith("--"))
        if body.strip():
            out.append(part)
    return out


def run_script(
    con: duckdb.DuckDBPyConnection,
    script: str,
    params: dict[str, Any] | None = None,
    **fmt: str,
) -> list[tuple[Any, ...]]:
    """Run every statement of a script (identifiers filled from `fmt`); return the last rows."""
    if fmt:
        script = script.format(**fmt)
    rows: list[tuple[Any, ...]] = []
    for stmt in _statements(script):
        used = set(_PARAM.findall(stmt))
        bound = {k: v for k, v in (params or {}).items() if k in used}
        con.execute(stmt, bound)
        rows = con.fetchall() if con.description else []
    return rows
