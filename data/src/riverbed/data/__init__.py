"""Deterministic data generators (one module per domain) and the paths of the tiny fixtures."""

from pathlib import Path

__all__ = ["FIXTURES_DIR"]

FIXTURES_DIR = Path(__file__).resolve().parents[3] / "fixtures"
