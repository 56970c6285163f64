"""Where the SQL kept in .sql files next to this package lives."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SQL_DIR"]

SQL_DIR = Path(__file__).parent / "sql"
