"""Write output tables as CSV atomically (temporary file in the same folder, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["format_tickets", "write_csv_atomic"]


def format_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """Render timestamps as ISO 8601 UTC text and `answered` as true/false."""
    out = tickets.copy()
    for col in ("first_client_at", "first_merchant_at"):
        out[col] = (
            out[col].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(".000000Z", "Z", regex=False)
        )
    out["answered"] = np.where(out["answered"].to_numpy(dtype=bool), "true", "false")
    return out


def write_csv_atomic(frame: pd.DataFrame, path: Path, *, float_format: str = "%.3f") -> Path:
    """Write `frame` to `path` so readers see the old file or the whole new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            frame.to_csv(fh, index=False, float_format=float_format, lineterminator="\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
