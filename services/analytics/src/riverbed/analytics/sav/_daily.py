"""The daily job in two steps (compute, then post) so a failed POST is retried alone."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from riverbed.analytics.sav._pipeline import OUTPUT_FILES, metric_entries, run_sav
from riverbed.analytics.sav._sender import send_entries
from riverbed.analytics.sav._settings import SavSettings
from riverbed.analytics.sav._sources import open_source
from riverbed.core.errors import ConfigurationError, ServiceError

__all__ = ["compute_day", "day_dir", "post_day"]

log = logging.getLogger(__name__)


def day_dir(settings: SavSettings, day: date) -> Path:
    """Return the output folder of `day`: out_dir/YYYY-MM-DD (rewritten by every rerun)."""
    return Path(settings.out_dir) / day.isoformat()


def compute_day(day: date, settings: SavSettings) -> dict[str, Any]:
    """Compute the metric of the tickets first written on `day` and write its CSV files."""
    if not settings.source:
        raise ConfigurationError("RIVERBED_ANALYTICS_SAV_SOURCE is not set (csv:PATH or db:URL)")
    out = day_dir(settings, day)
    result = run_sav(open_source(settings.source, table=settings.table, day=day), out, day=day)
    return {
        "day": day.isoformat(),
        "out_dir": str(out),
        "messages": result.messages,
        "tickets": result.tickets,
        "answered": result.answered,
        "entries": len(result.entries),
    }


def _read_aggregate(path: Path, key: str) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={key: str},
        keep_default_na=False,
        na_values={
            c: [""]
            for c in ("mean_dt_seconds", "median_dt_seconds", "p90_dt_seconds", "mean_exch_nr")
        },
    )


def post_day(day: date, settings: SavSettings) -> dict[str, Any]:
    """POST the aggregates written by `compute_day`; raise when a batch is not delivered."""
    if not settings.post_url:
        log.info("no RIVERBED_ANALYTICS_SAV_POST_URL: nothing to post")
        return {"day": day.isoformat(), "posted": 0}
    out = day_dir(settings, day)
    entries = metric_entries(
        _read_aggregate(out / OUTPUT_FILES["country"], "country"),
        _read_aggregate(out / OUTPUT_FILES["merchant"], "merchant_id"),
        day.isoformat(),
    )
    report = send_entries(
        settings.post_url, entries, scope=day.isoformat(), **settings.sender_options()
    )
    log.info("%s", report.summary())
    if not report.ok:
        raise ServiceError(report.summary())
    return {
        "day": day.isoformat(),
        "posted": report.entries,
        "batches": report.batches,
        "replayed": report.replayed,
    }
