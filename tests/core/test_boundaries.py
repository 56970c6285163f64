"""Services never import each other, and the core imports no service: ruff enforces it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ruff_on_probe(where: str, imported: str) -> subprocess.CompletedProcess[str]:
    """Run ruff's banned-api rule on a module under `where` that imports `imported`."""
    probe = ROOT / where / "_boundary_probe.py"
    probe.write_text(f'"""Probe."""\n\nimport {imported}\n\n__all__ = ["{imported}"]\n')
    try:
        return subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID251", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        probe.unlink()


@pytest.mark.parametrize(
    ("where", "imported"),
    [
        ("services/api/src/riverbed/api", "riverbed.ingestor"),
        ("services/ingestor/src/riverbed/ingestor", "riverbed.analytics"),
        ("services/analytics/src/riverbed/analytics", "riverbed.api"),
        ("libs/core/src/riverbed/core", "riverbed.api"),
        ("libs/core/src/riverbed/core", "riverbed.local"),
    ],
)
def test_cross_service_import_is_refused(where: str, imported: str) -> None:
    result = _ruff_on_probe(where, imported)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout and imported in result.stdout


def test_allowed_import_passes() -> None:
    result = _ruff_on_probe("services/api/src/riverbed/api", "riverbed.core")
    assert result.returncode == 0, result.stdout
