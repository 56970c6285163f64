"""After-sales (SAV) analytics: client-to-merchant response times, per ticket and aggregated."""

from riverbed.analytics.sav._columns import AGGREGATE_COLUMNS, INPUT_COLUMNS, TICKET_COLUMNS
from riverbed.analytics.sav._csvout import format_tickets, write_csv_atomic
from riverbed.analytics.sav._daily import compute_day, day_dir, post_day
from riverbed.analytics.sav._pipeline import OUTPUT_FILES, SavResult, metric_entries, run_sav
from riverbed.analytics.sav._sender import (
    BATCH_SIZE,
    BatchFailure,
    SendReport,
    batch_key,
    send_entries,
    send_entries_async,
)
from riverbed.analytics.sav._settings import SavSettings
from riverbed.analytics.sav._sources import (
    CsvSource,
    DatabaseSource,
    MessageSource,
    open_source,
    read_all,
)
from riverbed.analytics.sav._transform import aggregate, compute_tickets, filter_day

__all__ = [
    "AGGREGATE_COLUMNS",
    "BATCH_SIZE",
    "INPUT_COLUMNS",
    "OUTPUT_FILES",
    "TICKET_COLUMNS",
    "BatchFailure",
    "CsvSource",
    "DatabaseSource",
    "MessageSource",
    "SavResult",
    "SavSettings",
    "SendReport",
    "aggregate",
    "batch_key",
    "compute_day",
    "compute_tickets",
    "day_dir",
    "filter_day",
    "format_tickets",
    "metric_entries",
    "open_source",
    "post_day",
    "read_all",
    "run_sav",
    "send_entries",
    "send_entries_async",
    "write_csv_atomic",
]
