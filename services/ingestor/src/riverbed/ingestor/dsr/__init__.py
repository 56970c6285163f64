"""Digital sales reports: streaming import, EUR rates, statistics API and admin page."""

from __future__ import annotations

from pathlib import Path

from riverbed.ingestor.dsr.filename import DsrName, parse_dsr_name
from riverbed.ingestor.dsr.importer import (
    ImportResult,
    RejectPolicy,
    delete_dsr,
    file_checksum,
    import_dsr,
)

__all__ = [
    "VERSIONS_DIR",
    "DsrName",
    "ImportResult",
    "RejectPolicy",
    "delete_dsr",
    "file_checksum",
    "import_dsr",
    "parse_dsr_name",
]

VERSIONS_DIR = Path(__file__).parent / "versions"
