"""Deterministic after-sales (SAV) messages: tickets between clients, merchants and support staff.

One row per message with the columns of `SAV_COLUMNS`. Every ticket gets a kind:

- ``answered``: the client writes first, the merchant answers (maybe after a few client messages);
- ``merchant_first``: the merchant writes before the client's first message, then answers;
- ``unanswered``: only the client writes;
- ``no_client``: only the merchant writes.

Support staff messages are sprinkled into every kind, and a share of consecutive messages reuse
the previous timestamp, so ties are broken by `message_id`. Generation is vectorized and chunked
by tickets: any scale, constant memory per chunk, same output for the same seed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COUNTRIES",
    "SAV_COLUMNS",
    "SavConfig",
    "generate_sav_frames",
    "generate_sav_messages",
    "write_sav_csv",
]

SAV_COLUMNS = [
    "message_id",
    "ticket_id",
    "created_at",
    "sender_user_id",
    "client_user_id",
    "merchant_id",
    "merchant_user_id",
    "country",
]
COUNTRIES = np.array(["FR", "DE", "ES", "IT", "BE", "NL", "PT", "GB", "US", "PL"])
_COUNTRY_WEIGHTS = np.array([30, 18, 12, 10, 7, 6, 5, 5, 4, 3], dtype=float)
_OFFSETS_MIN = np.array([0, 60, 120, -300, 330])  # UTC offsets written in created_at
_OFFSET_TEXT = np.array(["+00:00", "+01:00", "+02:00", "-05:00", "+05:30"])

CLIENT_BASE = 1_000_000  # user ids of clients: CLIENT_BASE + k
MERCHANT_USER_BASE = 5_000_000  # user id of merchant m: MERCHANT_USER_BASE + m
SUPPORT_BASE = 9_000_000  # user ids of support staff


@dataclass(frozen=True)
class SavConfig:
    """Shape of the generated data."""

    seed: int = 42
    start: datetime = datetime(2024, 5, 1, tzinfo=UTC)
    days: int = 7
    merchants: int = 500
    clients: int = 200_000
    support_staff: int = 20
    mean_messages: float = 5.0  # mean messages per ticket (support included)
    p_merchant_first: float = 0.10
    p_unanswered: float = 0.12
    p_no_client: float = 0.03
    p_support: float = 0.08  # share of support-staff messages
    p_same_timestamp: float = 0.05
    chunk_tickets: int = 200_000


def _chunk(
    cfg: SavConfig, first_ticket: int, n_tickets: int, first_message: int, text: bool
) -> pd.DataFrame:
    """Generate the messages of tickets first_ticket..first_ticket+n_tickets-1."""
    rng = np.random.default_rng([cfg.seed, first_ticket])
    ticket = np.arange(first_ticket, first_ticket + n_tickets, dtype=np.int64)
    w = _COUNTRY_WEIGHTS / _COUNTRY_WEIGHTS.sum()
    country = rng.choice(len(COUNTRIES), size=n_tickets, p=w)
    # Zipf-like merchants: a few big ones, a long tail.
    merchant = (rng.zipf(1.3, size=n_tickets) - 1) % cfg.merchants + 1
    client = CLIENT_BASE + rng.integers(1, cfg.clients + 1, size=n_tickets)
    kind_u = rng.random(n_tickets)
    merchant_first = kind_u < cfg.p_merchant_first
    unanswered = (kind_u >= cfg.p_merchant_first) & (
        kind_u < cfg.p_merchant_first + cfg.p_unanswered
    )
    no_client = (kind_u >= cfg.p_merchant_first + cfg.p_unanswered) & (
        kind_u < cfg.p_merchant_first + cfg.p_unanswered + cfg.p_no_client
    )
    sizes = np.maximum(1, rng.poisson(cfg.mean_messages - 1, size=n_tickets) + 1).astype(np.int64)
    total = int(sizes.sum())
    t_of = np.repeat(np.arange(n_tickets), sizes)
    starts = np.cumsum(sizes) - sizes
    pos = np.arange(total) - np.repeat(starts, sizes)  # position within its ticket

    # Senders: alternate client/merchant after a random number of client messages.
    n_client_first = rng.integers(1, 4, size=n_tickets)
    is_client = pos < np.repeat(n_client_first, sizes)
    is_client |= rng.random(total) < 0.3
    is_client[pos == 0] = True
    mf = np.repeat(merchant_first, sizes)
    is_client[mf & (pos == 0)] = False  # the merchant opens the ticket
    is_client[mf & (pos == 1)] = True
    is_client[np.repeat(unanswered, sizes)] = True
    is_client[np.repeat(no_client, sizes)] = False
    support = rng.random(total) < cfg.p_support
    client_col = np.repeat(client, sizes)
    merchant_col = np.repeat(merchant, sizes)
    merchant_user = MERCHANT_USER_BASE + merchant_col
    sender = np.where(is_client, client_col, merchant_user)
    sender = np.where(support, SUPPORT_BASE + rng.integers(1, cfg.support_staff + 1, total), sender)

    # Timestamps: a ticket opens somewhere in the window; gaps are exponential, some zero.
    span = cfg.days * 86_400
    opened = rng.integers(0, span, size=n_tickets)
    gaps = rng.exponential(3_600.0, size=total).astype(np.int64)
    gaps[rng.random(total) < cfg.p_same_timestamp] = 0
    gaps[pos == 0] = 0
    cum = np.cumsum(gaps)
    offset_in_ticket = cum - np.repeat(cum[starts], sizes)
    seconds = np.repeat(opened, sizes) + offset_in_ticket
    epoch = np.datetime64(cfg.start.replace(tzinfo=None), "s")
    utc = epoch + seconds.astype("timedelta64[s]")
    zone = np.repeat(rng.integers(0, len(_OFFSETS_MIN), size=n_tickets), sizes)
    created: object
    if text:
        local = utc + (_OFFSETS_MIN[zone] * 60).astype("timedelta64[s]")
        created = np.strings.add(np.datetime_as_string(local, unit="s"), _OFFSET_TEXT[zone])
    else:
        created = pd.DatetimeIndex(utc.astype("datetime64[ns]")).tz_localize("UTC")

    message_id = np.arange(first_message, first_message + total, dtype=np.int64)
    return pd.DataFrame(
        {
            "message_id": message_id,
            "ticket_id": ticket[t_of],
            "created_at": created,
            "sender_user_id": sender,
            "client_user_id": client_col,
            "merchant_id": merchant_col,
            "merchant_user_id": merchant_user,
            "country": COUNTRIES[country[t_of]],
        }
    )


def generate_sav_frames(
    n_messages: int, config: SavConfig | None = None, *, text: bool = True
) -> Iterator[pd.DataFrame]:
    """Yield DataFrames of about `n_messages` messages (whole tickets, by chunks).

    `created_at` is ISO 8601 text with an offset, or UTC timestamps when `text` is false.
    """
    cfg = config or SavConfig()
    if n_messages <= 0:
        return
    produced = 0
    next_ticket = 1
    while produced < n_messages:
        remaining = n_messages - produced
        n_tickets = max(1, min(cfg.chunk_tickets, int(remaining / cfg.mean_messages) + 1))
        frame = _chunk(cfg, next_ticket, n_tickets, produced + 1, text)
        if len(frame) > remaining:  # cut at a ticket boundary when possible
            last_ticket = frame["ticket_id"].iloc[remaining - 1]
            keep = frame["ticket_id"].to_numpy() <= last_ticket
            frame = frame[keep]
        produced += len(frame)
        next_ticket += n_tickets
        yield frame.reset_index(drop=True)


def generate_sav_messages(
    n_messages: int, config: SavConfig | None = None, *, text: bool = True
) -> pd.DataFrame:
    """Return about `n_messages` messages as one DataFrame (see `generate_sav_frames`)."""
    frames = list(generate_sav_frames(n_messages, config, text=text))
    if not frames:
        return pd.DataFrame({c: [] for c in SAV_COLUMNS})
    return pd.concat(frames, ignore_index=True)


def write_sav_csv(path: Path, n_messages: int, config: SavConfig | None = None) -> int:
    """Write about `n_messages` messages to a CSV file; return the number of rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(SAV_COLUMNS)
        for frame in generate_sav_frames(n_messages, config):
            frame.to_csv(fh, header=False, index=False)
            rows += len(frame)
    return rows
