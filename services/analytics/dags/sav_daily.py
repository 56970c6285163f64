"""Daily SAV job: response times of the tickets first written on the day that just ended.

Thin on purpose: both tasks call `riverbed.analytics.sav`. Configuration comes from the
environment of the workers (RIVERBED_ANALYTICS_SAV_SOURCE, _OUT_DIR, _POST_URL, ...).

Idempotent per logical date: the run processes the UTC day before `data_interval_end`, rewrites
OUT_DIR/YYYY-MM-DD/ atomically, and posts batches whose idempotency keys depend only on their
content, so a rerun or retry of either task never double-counts at the receiver.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Any

from airflow.sdk import dag, get_current_context, task


def _day() -> date:
    """Return the UTC day this run covers: the day before its data interval's end."""
    end: datetime = get_current_context()["data_interval_end"]
    return (end - timedelta(days=1)).date()


@dag(
    dag_id="sav_daily",
    schedule="@daily",
    start_date=datetime(2024, 5, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(
            seconds=float(os.environ.get("RIVERBED_ANALYTICS_SAV_RETRY_DELAY_SECONDS", "120"))
        ),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    },
    tags=["riverbed", "sav"],
    doc_md=__doc__,
)
def sav_daily() -> None:
    """Compute the day's SAV metric, then post its aggregates."""

    @task
    def compute() -> dict[str, Any]:
        from riverbed.analytics.sav import SavSettings, compute_day
        from riverbed.core.settings import load_settings

        return compute_day(_day(), load_settings(SavSettings))

    @task
    def post(computed: dict[str, Any]) -> dict[str, Any]:
        from riverbed.analytics.sav import SavSettings, post_day
        from riverbed.core.settings import load_settings

        return post_day(date.fromisoformat(computed["day"]), load_settings(SavSettings))

    post(compute())


sav_daily()
