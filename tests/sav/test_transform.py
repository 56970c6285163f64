"""The metric's rules, one hand-built ticket at a time."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from riverbed.analytics.sav import aggregate, compute_tickets, filter_day
from tests.sav._helpers import CLIENT, MERCHANT_USER, SUPPORT, at, messages


def one(rows: list[tuple[int, int, str, int]]) -> pd.Series:
    out = compute_tickets(messages(rows))
    assert len(out) == 1
    return out.iloc[0]


def test_simple_answer_counts_seconds_and_both_messages() -> None:
    t = one([(1, 7, at(0), CLIENT), (2, 7, at(5, 30), MERCHANT_USER)])
    assert t["answered"] and t["dt_seconds"] == 330.0 and t["exch_nr"] == 2
    assert t["first_client_at"] == pd.Timestamp("2024-05-01T10:00:00Z")
    assert t["first_merchant_at"] == pd.Timestamp("2024-05-01T10:05:30Z")
    assert t["ticket_id"] == 7 and t["merchant_id"] == 100 and t["country"] == "FR"


def test_exchanges_count_client_messages_before_the_answer() -> None:
    rows = [
        (1, 1, at(0), CLIENT),
        (2, 1, at(1), CLIENT),
        (3, 1, at(2), CLIENT),
        (4, 1, at(3), MERCHANT_USER),
        (5, 1, at(4), CLIENT),
        (6, 1, at(5), MERCHANT_USER),
    ]
    t = one(rows)
    assert t["dt_seconds"] == 180.0 and t["exch_nr"] == 4


def test_merchant_messages_before_the_first_client_message_are_ignored() -> None:
    rows = [
        (1, 1, at(0), MERCHANT_USER),
        (2, 1, at(1), MERCHANT_USER),
        (3, 1, at(10), CLIENT),
        (4, 1, at(12), MERCHANT_USER),
    ]
    t = one(rows)
    assert t["first_client_at"] == pd.Timestamp("2024-05-01T10:10:00Z")
    assert t["dt_seconds"] == 120.0 and t["exch_nr"] == 2


def test_support_staff_messages_are_ignored_everywhere() -> None:
    rows = [
        (1, 1, at(0), SUPPORT),
        (2, 1, at(1), CLIENT),
        (3, 1, at(2), SUPPORT),
        (4, 1, at(3), SUPPORT),
        (5, 1, at(4), MERCHANT_USER),
    ]
    t = one(rows)
    assert t["dt_seconds"] == 180.0 and t["exch_nr"] == 2


def test_unanswered_ticket_has_no_dt_and_is_not_averaged() -> None:
    rows = [(1, 1, at(0), CLIENT), (2, 1, at(1), CLIENT), (3, 1, at(2), SUPPORT)]
    t = one(rows)
    assert not t["answered"] and np.isnan(t["dt_seconds"]) and pd.isna(t["exch_nr"])
    assert t["first_client_at"] == pd.Timestamp("2024-05-01T10:00:00Z")
    assert pd.isna(t["first_merchant_at"])


def test_ticket_without_client_message_is_unanswered() -> None:
    t = one([(1, 1, at(0), MERCHANT_USER), (2, 1, at(1), SUPPORT)])
    assert not t["answered"] and pd.isna(t["first_client_at"])


def test_merchant_only_before_client_is_unanswered() -> None:
    t = one([(1, 1, at(0), MERCHANT_USER), (2, 1, at(5), CLIENT)])
    assert not t["answered"]


def test_order_is_created_at_then_message_id_on_equal_timestamps() -> None:
    # same second: the merchant's message has the larger id, so it comes after the client's
    t = one([(11, 1, at(0), MERCHANT_USER), (10, 1, at(0), CLIENT)])
    assert t["answered"] and t["dt_seconds"] == 0.0 and t["exch_nr"] == 2
    # smaller id: the merchant wrote "before" the client, so it is ignored
    t = one([(10, 1, at(0), MERCHANT_USER), (11, 1, at(0), CLIENT)])
    assert not t["answered"]


def test_offsets_are_converted_to_utc_before_ordering() -> None:
    # 12:00+02:00 is 10:00Z, earlier than 10:30Z
    rows = [(2, 1, at(30), MERCHANT_USER), (1, 1, "2024-05-01T12:00:00+02:00", CLIENT)]
    t = one(rows)
    assert t["dt_seconds"] == 1800.0


def test_input_row_order_does_not_matter() -> None:
    rows = [
        (1, 1, at(0), CLIENT),
        (2, 1, at(3), MERCHANT_USER),
        (3, 2, at(1), CLIENT),
        (4, 2, at(9), MERCHANT_USER),
    ]
    a = compute_tickets(messages(rows))
    b = compute_tickets(messages(rows[::-1]))
    pd.testing.assert_frame_equal(a, b)


def test_string_ids_are_ordered_like_strings() -> None:
    frame = messages([(1, 1, at(0), CLIENT), (2, 1, at(0), MERCHANT_USER)])
    frame["message_id"] = ["b", "a"]  # the merchant's "a" sorts first: before the client
    frame["ticket_id"] = "T-1"
    out = compute_tickets(frame)
    assert out.iloc[0]["ticket_id"] == "T-1" and not out.iloc[0]["answered"]


def test_aggregates_per_country_and_merchant() -> None:
    rows_fr = [
        (1, 1, at(0), CLIENT),
        (2, 1, at(1), MERCHANT_USER),  # 60 s, 2
        (3, 2, at(0), CLIENT),
        (4, 2, at(1), CLIENT),
        (5, 2, at(4), MERCHANT_USER),  # 240, 3
        (6, 3, at(0), CLIENT),
    ]  # unanswered
    rows_de = [(7, 4, at(0), CLIENT), (8, 4, at(10), MERCHANT_USER)]  # 600 s, 2
    frame = pd.concat([messages(rows_fr, "FR"), messages(rows_de, "DE")], ignore_index=True)
    tickets = compute_tickets(frame)
    by_country = aggregate(tickets, "country").set_index("country")
    fr = by_country.loc["FR"]
    assert fr["tickets"] == 3 and fr["answered"] == 2
    assert fr["mean_dt_seconds"] == 150.0 and fr["median_dt_seconds"] == 150.0
    assert fr["p90_dt_seconds"] == pytest.approx(60 + 0.9 * 180)  # linear interpolation
    assert fr["mean_exch_nr"] == 2.5
    de = by_country.loc["DE"]
    assert (de["tickets"], de["answered"], de["mean_dt_seconds"]) == (1, 1, 600.0)
    by_merchant = aggregate(tickets, "merchant_id")
    assert list(by_merchant.columns)[:3] == ["merchant_id", "tickets", "answered"]
    assert by_merchant.iloc[0]["tickets"] == 4 and by_merchant.iloc[0]["answered"] == 3


def test_group_without_any_answer_has_empty_means() -> None:
    tickets = compute_tickets(messages([(1, 1, at(0), CLIENT)], "IT"))
    row = aggregate(tickets, "country").iloc[0]
    assert row["tickets"] == 1 and row["answered"] == 0 and np.isnan(row["mean_dt_seconds"])


def test_filter_day_keeps_tickets_first_written_that_utc_day() -> None:
    rows = [
        (1, 1, at(0, day=1), CLIENT),
        (2, 1, at(0, day=2), MERCHANT_USER),
        (3, 2, "2024-05-02T01:00:00+02:00", CLIENT),  # 2024-05-01T23:00Z
        (4, 3, at(0, day=2), CLIENT),
        (5, 4, at(0, day=1), MERCHANT_USER),
    ]
    tickets = compute_tickets(messages(rows))
    kept = filter_day(tickets, date(2024, 5, 1))
    assert sorted(kept["ticket_id"]) == [1, 2]


def test_empty_input_gives_empty_outputs() -> None:
    tickets = compute_tickets(messages([]))
    assert tickets.empty and aggregate(tickets, "country").empty
