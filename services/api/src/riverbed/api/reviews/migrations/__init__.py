"""Alembic branch `reviews`: the table when absent, and its production indexes."""

from pathlib import Path

__all__ = ["VERSIONS_DIR"]

VERSIONS_DIR = Path(__file__).parent / "versions"
