"""Column names of the SAV input and outputs."""

from __future__ import annotations

__all__ = [
    "AGGREGATE_COLUMNS",
    "ID_COLUMNS",
    "INPUT_COLUMNS",
    "TICKET_COLUMNS",
]

INPUT_COLUMNS = [
    "message_id",
    "ticket_id",
    "created_at",
    "sender_user_id",
    "client_user_id",
    "merchant_id",
    "merchant_user_id",
    "country",
]
ID_COLUMNS = [c for c in INPUT_COLUMNS if c.endswith("_id")]
TICKET_COLUMNS = [
    "ticket_id",
    "country",
    "merchant_id",
    "first_client_at",
    "first_merchant_at",
    "dt_seconds",
    "exch_nr",
    "answered",
]
AGGREGATE_COLUMNS = [
    "tickets",
    "answered",
    "mean_dt_seconds",
    "median_dt_seconds",
    "p90_dt_seconds",
    "mean_exch_nr",
]
