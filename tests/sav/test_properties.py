"""Properties of the metric on random tickets, and agreement with a naive per-ticket loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riverbed.analytics.sav import aggregate, compute_tickets
from tests.sav._helpers import CLIENT, MERCHANT_USER, SUPPORT, messages
from tests.sav._naive import naive_tickets

SENDERS = [CLIENT, MERCHANT_USER, SUPPORT]


@st.composite
def message_sets(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    tickets = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    seconds = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))  # many ties
    senders = draw(st.lists(st.sampled_from(SENDERS), min_size=n, max_size=n))
    ids = draw(st.permutations(list(range(1, n + 1))))
    rows = [
        (ids[i], tickets[i], f"2024-05-01T10:00:{seconds[i]:02d}+00:00", senders[i])
        for i in range(n)
    ]
    frame = messages(rows)
    frame["country"] = [("FR", "DE")[t % 2] for t in tickets]
    return frame


COMMON = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _canon(tickets: pd.DataFrame) -> pd.DataFrame:
    return tickets.sort_values("ticket_id").reset_index(drop=True)


@COMMON
@given(message_sets())
def test_agrees_with_the_naive_loop(frame: pd.DataFrame) -> None:
    got = compute_tickets(frame).set_index("ticket_id")
    expected = naive_tickets(frame)
    assert set(got.index) == set(expected)
    for ticket, (answered, dt, exch) in expected.items():
        row = got.loc[ticket]
        assert bool(row["answered"]) == answered
        if answered:
            assert row["dt_seconds"] == dt and row["exch_nr"] == exch


@COMMON
@given(message_sets())
def test_dt_non_negative_and_answered_at_most_tickets(frame: pd.DataFrame) -> None:
    tickets = compute_tickets(frame)
    answered = tickets[tickets["answered"]]
    assert (answered["dt_seconds"] >= 0).all()
    assert (answered["exch_nr"] >= 2).all()
    for by in ("country", "merchant_id"):
        agg = aggregate(tickets, by)
        assert (agg["answered"] <= agg["tickets"]).all()
        assert agg["tickets"].sum() == len(tickets)
        with_answers = agg[agg["answered"] > 0]
        assert (with_answers["median_dt_seconds"] <= with_answers["p90_dt_seconds"] + 1e-9).all()


@COMMON
@given(message_sets(), st.integers(0, 2**32 - 1))
def test_invariant_to_row_order(frame: pd.DataFrame, seed: int) -> None:
    shuffled = frame.sample(frac=1.0, random_state=np.random.RandomState(seed))
    shuffled = shuffled.reset_index(drop=True)
    pd.testing.assert_frame_equal(_canon(compute_tickets(frame)), _canon(compute_tickets(shuffled)))


@COMMON
@given(message_sets(), st.lists(st.tuples(st.integers(0, 30), st.integers(0, 10**6)), max_size=30))
def test_invariant_to_support_staff_noise(
    frame: pd.DataFrame, noise: list[tuple[int, int]]
) -> None:
    existing = sorted(set(frame["ticket_id"]))
    extra = messages(
        [
            (
                10_000 + i,
                existing[salt % len(existing)],
                f"2024-05-01T10:00:{sec:02d}+00:00",
                SUPPORT + 1 + salt % 5,
            )
            for i, (sec, salt) in enumerate(noise)
        ]
    )
    first_country = frame.drop_duplicates("ticket_id").set_index("ticket_id")["country"]
    noisy = frame
    if len(extra):
        extra["country"] = extra["ticket_id"].map(first_country).to_numpy()
        noisy = pd.concat([frame, extra], ignore_index=True)
    a, b = _canon(compute_tickets(frame)), _canon(compute_tickets(noisy))
    cols = [
        "ticket_id",
        "first_client_at",
        "first_merchant_at",
        "dt_seconds",
        "exch_nr",
        "answered",
    ]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert len(a) == len(b)
