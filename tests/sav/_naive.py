"""A naive per-ticket Python loop computing the SAV metric: the oracle of tests and bench."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd


def naive_tickets(messages: pd.DataFrame) -> dict[Any, tuple[bool, float | None, int | None]]:
    """Return {ticket_id: (answered, dt_seconds, exch_nr)} computed one ticket at a time."""
    created = pd.to_datetime(messages["created_at"], utc=True, format="ISO8601")
    by_ticket: dict[Any, list[tuple[pd.Timestamp, Any, str]]] = defaultdict(list)
    for row, ts in zip(messages.itertuples(index=False), created, strict=True):
        if row.sender_user_id == row.client_user_id:
            role = "c"
        elif row.sender_user_id == row.merchant_user_id:
            role = "m"
        else:
            role = "s"
        by_ticket[row.ticket_id].append((ts, row.message_id, role))
    out: dict[Any, tuple[bool, float | None, int | None]] = {}
    for ticket, msgs in by_ticket.items():
        msgs.sort(key=lambda m: (m[0], m[1]))
        t_c = None
        exch = 0
        result: tuple[bool, float | None, int | None] = (False, None, None)
        for ts, _mid, role in msgs:
            if role == "s":
                continue
            if t_c is None:
                if role == "c":
                    t_c, exch = ts, 1
                continue
            exch += 1
            if role == "m":
                result = (True, (ts - t_c).total_seconds(), exch)
                break
        out[ticket] = result
    return out
