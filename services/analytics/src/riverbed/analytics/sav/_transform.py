"""The SAV metric, vectorized with numpy: per-ticket response times and their aggregates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

from riverbed.analytics.sav._columns import AGGREGATE_COLUMNS, TICKET_COLUMNS

__all__ = ["aggregate", "compute_tickets", "filter_day"]

_NONE = np.iinfo(np.int64).max


def _sort_key(values: pd.Series) -> np.ndarray:
    """Return int64 codes ordering `values` like the values themselves."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64)
    codes, _ = pd.factorize(values, sort=True)
    return codes.astype(np.int64)


def _as_utc_ns(values: pd.Series) -> np.ndarray:
    """Return created_at as int64 nanoseconds since the epoch, UTC."""
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        values = pd.to_datetime(values, utc=True, format="ISO8601")
    return np.asarray(pd.DatetimeIndex(values).as_unit("ns").asi8, dtype=np.int64)


def _same_ids(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Compare two id columns element-wise, whatever their dtypes."""
    if a.dtype == b.dtype or (
        pd.api.types.is_integer_dtype(a.dtype) and pd.api.types.is_integer_dtype(b.dtype)
    ):
        return (a.to_numpy() == b.to_numpy()) & a.notna().to_numpy()
    return (a.astype(str).to_numpy() == b.astype(str).to_numpy()) & a.notna().to_numpy()


def _ticket_time_order(messages: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (order, ticket keys, UTC ns) sorting by (ticket_id, created_at, message_id)."""
    ticket = _sort_key(messages["ticket_id"])
    ts = _as_utc_ns(messages["created_at"])
    message = _sort_key(messages["message_id"])
    # Fast path: one int64 key ticket * span + time, when it fits (it usually does).
    t_lo, t_hi = int(ticket.min()), int(ticket.max())
    s_lo, s_hi = int(ts.min()), int(ts.max())
    unit = 1
    for candidate in (1_000_000_000, 1_000_000, 1_000):
        if not (ts % candidate).any():
            unit = candidate
            break
    span = (s_hi - s_lo) // unit + 1
    if (t_hi - t_lo + 1) * span < 2**62:
        key = (ticket - t_lo) * span + (ts - s_lo) // unit
        order = np.argsort(key)
        sorted_key = key[order]
        tied = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
        if len(tied):  # equal (ticket, time): order those few rows by message_id
            rows = np.unique(np.concatenate([tied, tied + 1]))
            sub = order[rows]
            order[rows] = sub[np.lexsort((message[sub], sorted_key[rows]))]
    else:
        order = np.lexsort((message, ts, ticket))
    return order, ticket[order], ts[order]


def compute_tickets(messages: pd.DataFrame) -> pd.DataFrame:
    """Return one row per ticket with `TICKET_COLUMNS` (see the README, "After-sales (SAV) analytics", for the rules)."""
    if messages.empty:
        return _empty_tickets()
    order, ticket, ts = _ticket_time_order(messages)
    is_client = _same_ids(messages["sender_user_id"], messages["client_user_id"])[order]
    is_merchant = _same_ids(messages["sender_user_id"], messages["merchant_user_id"])[order]
    is_merchant &= ~is_client  # a sender that is both counts as the client
    n = len(order)
    starts = np.flatnonzero(np.r_[True, ticket[1:] != ticket[:-1]])
    sizes = np.diff(np.r_[starts, n])
    pos = np.arange(n, dtype=np.int64)

    first_client = np.minimum.reduceat(np.where(is_client, pos, _NONE), starts)
    after_client = pos > np.repeat(first_client, sizes)
    first_merchant = np.minimum.reduceat(np.where(is_merchant & after_client, pos, _NONE), starts)
    answered = first_merchant != _NONE
    has_client = first_client != _NONE
    # exchanges: client + merchant messages between both positions, inclusive
    role_rank = np.cumsum(is_client | is_merchant)
    fc = np.where(has_client, first_client, 0)
    fm = np.where(answered, first_merchant, 0)
    exch = np.where(answered, role_rank[fm] - role_rank[fc] + 1, 0)
    t_c = np.where(has_client, ts[fc], 0)
    t_m = np.where(answered, ts[fm], 0)
    dt = np.where(answered, (t_m - t_c) / 1e9, np.nan)

    first_rows = order[starts]
    out = pd.DataFrame(
        {
            "ticket_id": messages["ticket_id"].take(first_rows).to_numpy(),
            "country": messages["country"].take(first_rows).to_numpy(),
            "merchant_id": messages["merchant_id"].take(first_rows).to_numpy(),
            "first_client_at": _utc_index(t_c, has_client),
            "first_merchant_at": _utc_index(t_m, answered),
            "dt_seconds": dt,
            "exch_nr": pd.array(np.where(answered, exch, 0), dtype="Int64"),
            "answered": answered,
        }
    )
    out.loc[~answered, "exch_nr"] = pd.NA
    return out


def _utc_index(ns: np.ndarray, present: np.ndarray) -> pd.DatetimeIndex:
    values = np.where(present, ns, np.iinfo(np.int64).min)  # int64 min is NaT
    return pd.DatetimeIndex(values.view("datetime64[ns]")).tz_localize("UTC")


def _empty_tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": pd.Series([], dtype="int64"),
            "country": pd.Series([], dtype="object"),
            "merchant_id": pd.Series([], dtype="int64"),
            "first_client_at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "first_merchant_at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "dt_seconds": pd.Series([], dtype="float64"),
            "exch_nr": pd.Series([], dtype="Int64"),
            "answered": pd.Series([], dtype="bool"),
        }
    )[TICKET_COLUMNS]


def filter_day(tickets: pd.DataFrame, day: date) -> pd.DataFrame:
    """Keep the tickets whose first client message falls on UTC day `day`."""
    start = pd.Timestamp(datetime.combine(day, time(0), tzinfo=UTC))
    end = start + timedelta(days=1)
    at = tickets["first_client_at"]
    return tickets[(at >= start) & (at < end)].reset_index(drop=True)


def aggregate(tickets: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return tickets, answered, mean/median/p90 dt and mean exch_nr per value of `by`."""
    keys = tickets[by]
    grouped = tickets.groupby(keys, sort=True, dropna=False)
    base = pd.DataFrame(
        {"tickets": grouped.size(), "answered": grouped["answered"].sum().astype("int64")}
    )
    done = tickets[tickets["answered"].to_numpy()]
    g = done.groupby(done[by], sort=True)
    dt = g["dt_seconds"]
    stats = pd.DataFrame(
        {
            "mean_dt_seconds": dt.mean(),
            "median_dt_seconds": dt.median(),
            "p90_dt_seconds": dt.quantile(0.9),
            "mean_exch_nr": g["exch_nr"].mean().astype("float64"),
        }
    )
    out = base.join(stats, how="left")
    out.index.name = by
    return out.reset_index()[[by, *AGGREGATE_COLUMNS]]
