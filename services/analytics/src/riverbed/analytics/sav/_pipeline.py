"""The SAV job: extract messages, compute the metric, write the CSV files, POST the entries."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from riverbed.analytics.sav._csvout import format_tickets, write_csv_atomic
from riverbed.analytics.sav._sender import SendReport, send_entries
from riverbed.analytics.sav._sources import MessageSource, read_all
from riverbed.analytics.sav._transform import aggregate, compute_tickets, filter_day

__all__ = ["OUTPUT_FILES", "SavResult", "metric_entries", "run_sav"]

log = logging.getLogger(__name__)
OUTPUT_FILES = {
    "tickets": "sav_tickets.csv",
    "country": "sav_by_country.csv",
    "merchant": "sav_by_merchant.csv",
}


@dataclass
class SavResult:
    """What one run produced."""

    messages: int
    tickets: int
    answered: int
    files: dict[str, Path]
    entries: list[dict[str, Any]] = field(default_factory=list)
    report: SendReport | None = None


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    f = float(value)
    return None if math.isnan(f) else round(f, 3)


def metric_entries(
    by_country: pd.DataFrame, by_merchant: pd.DataFrame, period: str
) -> list[dict[str, Any]]:
    """Turn the two aggregate tables into the entries the receiver stores."""
    entries: list[dict[str, Any]] = []
    for dimension, frame, key in (
        ("country", by_country, "country"),
        ("merchant", by_merchant, "merchant_id"),
    ):
        for row in frame.to_dict("records"):
            entries.append(
                {
                    "period": period,
                    "dimension": dimension,
                    "key": str(row[key]),
                    "tickets": int(row["tickets"]),
                    "answered": int(row["answered"]),
                    "mean_dt_seconds": _num(row["mean_dt_seconds"]),
                    "median_dt_seconds": _num(row["median_dt_seconds"]),
                    "p90_dt_seconds": _num(row["p90_dt_seconds"]),
                    "mean_exch_nr": _num(row["mean_exch_nr"]),
                }
            )
    return entries


def run_sav(
    source: MessageSource,
    out_dir: Path,
    *,
    day: date | None = None,
    post_url: str | None = None,
    sender_options: dict[str, Any] | None = None,
) -> SavResult:
    """Run the whole job; `day` keeps tickets whose first client message is on that UTC day."""
    log.info("reading %s", source.describe())
    messages = read_all(source)
    tickets = compute_tickets(messages)
    if day is not None:
        tickets = filter_day(tickets, day)
    by_country = aggregate(tickets, "country")
    by_merchant = aggregate(tickets, "merchant_id")
    out_dir = Path(out_dir)
    files = {
        "tickets": write_csv_atomic(format_tickets(tickets), out_dir / OUTPUT_FILES["tickets"]),
        "country": write_csv_atomic(by_country, out_dir / OUTPUT_FILES["country"]),
        "merchant": write_csv_atomic(by_merchant, out_dir / OUTPUT_FILES["merchant"]),
    }
    period = day.isoformat() if day else "all"
    result = SavResult(
        messages=len(messages),
        tickets=len(tickets),
        answered=int(tickets["answered"].sum()),
        files=files,
        entries=metric_entries(by_country, by_merchant, period),
    )
    if post_url:
        result.report = send_entries(
            post_url, result.entries, scope=period, **(sender_options or {})
        )
    return result
