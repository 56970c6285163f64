"""JSON shapes of the DSR API (exactly the shared spec's, plus documented extra fields)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Row

__all__ = ["dsr_json", "iso_midnight"]


def iso_midnight(value: Any) -> str:
    """Render a date as the spec's date-time: midnight UTC of that day."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.isoformat()}T00:00:00Z"


def dsr_json(row: Row[Any]) -> dict[str, Any]:
    """Render one DSR row."""
    return {
        "id": int(row.id),
        "path": row.path,
        "period_start": iso_midnight(row.period_start),
        "period_end": iso_midnight(row.period_end),
        "status": row.status,
        "territory": {"name": row.territory_name, "code_2": row.territory_code},
        "currency": {"name": row.currency_name, "code": row.currency_code},
        "dsp": row.dsp,
        "commercial_model": row.commercial_model,
        "lines_total": int(row.lines_total),
        "lines_ingested": int(row.lines_ingested),
        "lines_rejected": int(row.lines_rejected),
        "lines_missing_usages": int(row.lines_missing_usages),
        "lines_missing_revenue": int(row.lines_missing_revenue),
        "error": row.error,
    }
