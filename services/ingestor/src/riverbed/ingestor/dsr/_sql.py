"""Load the SQL statements kept in .sql files next to this package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import TextClause, text

__all__ = ["statements"]

_DIR = Path(__file__).parent / "sql"


@cache
def statements(name: str) -> tuple[TextClause, ...]:
    """Return the `;`-separated statements of sql/<name>.sql (comments stripped)."""
    raw = (_DIR / f"{name}.sql").read_text()
    lines = [ln for ln in raw.splitlines() if not ln.lstrip().startswith("--")]
    return tuple(text(s.strip()) for s in "\n".join(lines).split(";") if s.strip())
