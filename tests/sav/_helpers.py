"""Build SAV messages by hand: client user 1, merchant 100 with user 2, support staff 3."""

from __future__ import annotations

import pandas as pd

CLIENT, MERCHANT_USER, SUPPORT, MERCHANT = 1, 2, 3, 100


def messages(rows: list[tuple[int, int, str, int]], country: str = "FR") -> pd.DataFrame:
    """Rows of (message_id, ticket_id, created_at, sender_user_id) of one client and merchant."""
    return pd.DataFrame(
        {
            "message_id": [r[0] for r in rows],
            "ticket_id": [r[1] for r in rows],
            "created_at": [r[2] for r in rows],
            "sender_user_id": [r[3] for r in rows],
            "client_user_id": CLIENT,
            "merchant_id": MERCHANT,
            "merchant_user_id": MERCHANT_USER,
            "country": country,
        }
    )


def at(minute: int, second: int = 0, day: int = 1, offset: str = "+00:00") -> str:
    """Return an ISO 8601 timestamp on 2024-05-<day> 10:<minute>:<second><offset>."""
    return f"2024-05-{day:02d}T10:{minute:02d}:{second:02d}{offset}"
