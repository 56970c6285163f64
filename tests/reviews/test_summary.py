"""Summaries agree with an independent pandas computation, on shared and generated data."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from tests.reviews.conftest import make_app

FILTERS: list[dict[str, str]] = [
    {},
    {"from": "2012-01-01"},
    {"to": "2013-06-15T00:00:00Z"},
    {"from": "2011-03-01T00:00:00+02:00", "to": "2014-01-01"},
]
SCOPES = [
    ("products", "productID", "reviewerID", "distinct_reviewers"),
    ("reviewers", "reviewerID", "productID", "distinct_products"),
]


def _epoch(value: str) -> int:
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.timestamp())


def _iso(ts: Any) -> str:
    return pd.Timestamp(int(ts), unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def expected(
    df: pd.DataFrame, key_col: str, key: str, flt: dict[str, str], other: str, other_name: str
) -> dict[str, Any]:
    """Compute a summary with pandas, independently of the SQL under test."""
    sel = df[df[key_col] == key]
    if "from" in flt:
        sel = sel[sel["unixReviewTime"] >= _epoch(flt["from"])]
    if "to" in flt:
        sel = sel[sel["unixReviewTime"] < _epoch(flt["to"])]
    known = sel["verified"].dropna()
    n = len(sel)
    return {
        "review_count": n,
        "average_rating": float(sel["overall"].mean()) if n else None,
        "rating_histogram": {str(k): int((sel["overall"] == k).sum()) for k in range(1, 6)},
        "verified_share": float(known.astype(bool).mean()) if len(known) else None,
        "helpful_votes_total": int(sel["vote"].sum()),
        "first_review_at": _iso(sel["unixReviewTime"].min()) if n else None,
        "last_review_at": _iso(sel["unixReviewTime"].max()) if n else None,
        other_name: int(sel[other].nunique()),
    }


def _keys(df: pd.DataFrame, col: str) -> list[str]:
    counts = df[col].value_counts()
    sample = counts.sample(15, random_state=3).index.tolist()
    return [*counts.index[:3].tolist(), *sample]


def _check(url: str, df: pd.DataFrame) -> int:
    client = make_app(url).test_client()
    checked = 0
    for route, key_col, other, other_name in SCOPES:
        for key in _keys(df, key_col):
            for flt in FILTERS:
                resp = client.get(f"/{route}/{key}/reviews/summary", query_string=flt)
                assert resp.status_code == 200, resp.get_json()
                body = resp.get_json()
                want = expected(df, key_col, key, flt, other, other_name)
                for field, value in want.items():
                    got = body[field]
                    if isinstance(value, float):
                        assert math.isclose(got, value, rel_tol=1e-9), (key, flt, field)
                    else:
                        assert got == value, (route, key, flt, field, got, value)
                assert body[route[:-1] + "_id"] == key
                checked += 1
    return checked


def test_summaries_match_pandas_on_shared_data(shared_db: str, raw_frame: pd.DataFrame) -> None:
    """Every field of product and reviewer summaries, with and without filters."""
    assert _check(shared_db, raw_frame) == 2 * 18 * len(FILTERS)


def test_summaries_match_pandas_on_generated_data(
    generated_db: str, generated_frame: pd.DataFrame
) -> None:
    """Generated data has verified flags and comma votes the shared dump lacks."""
    assert generated_frame["verified"].notna().any()
    assert (generated_frame["vote"] >= 1000).any()
    assert _check(generated_db, generated_frame) == 2 * 18 * len(FILTERS)


def test_filter_is_echoed_in_utc_and_empty_range_is_not_404(
    shared_db: str, raw_frame: pd.DataFrame
) -> None:
    """A known product with no review in range answers zeros and nulls, echoing the filter."""
    product = raw_frame["productID"].iloc[0]
    client = make_app(shared_db).test_client()
    resp = client.get(
        f"/products/{product}/reviews/summary",
        query_string={"from": "1999-01-01T01:00:00+01:00", "to": "1999-01-01"},
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["filter"] == {"from": "1999-01-01T00:00:00Z", "to": "1999-01-01T00:00:00Z"}
    assert body["review_count"] == 0
    assert body["average_rating"] is None and body["verified_share"] is None
    assert body["first_review_at"] is None and body["helpful_votes_total"] == 0
    assert body["rating_histogram"] == {str(k): 0 for k in range(1, 6)}


@pytest.mark.parametrize("bound", ["from", "to"])
def test_bounds_are_inclusive_from_exclusive_to(
    shared_db: str, raw_frame: pd.DataFrame, bound: str
) -> None:
    """A review exactly at `from` counts; one exactly at `to` does not."""
    row = raw_frame.iloc[0]
    day = _iso(row["unixReviewTime"])
    client = make_app(shared_db).test_client()
    body = client.get(
        f"/reviewers/{row['reviewerID']}/reviews/summary", query_string={bound: day}
    ).get_json()
    mine = raw_frame[raw_frame["reviewerID"] == row["reviewerID"]]["unixReviewTime"]
    at = int(row["unixReviewTime"])
    want = int((mine >= at).sum()) if bound == "from" else int((mine < at).sum())
    assert body["review_count"] == want
