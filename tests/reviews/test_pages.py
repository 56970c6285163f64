"""Keyset pagination walks every matching review exactly once, newest first."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.reviews.conftest import make_app


def _walk(client: Any, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        resp = client.get(path, query_string=query)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert len(body["items"]) <= params["limit"]
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(("route", "col"), [("products", "productID"), ("reviewers", "reviewerID")])
def test_pages_cover_every_review_once(
    shared_db: str, raw_frame: pd.DataFrame, route: str, col: str
) -> None:
    """Small pages of the busiest id, with and without a date filter, match pandas."""
    key = raw_frame[col].value_counts().index[0]
    client = make_app(shared_db).test_client()
    for flt, lo in (({}, 0), ({"from": "2013-01-01"}, 1356998400)):
        items = _walk(client, f"/{route}/{key}/reviews", {"limit": 7, **flt})
        mine = raw_frame[(raw_frame[col] == key) & (raw_frame["unixReviewTime"] >= lo)]
        assert len(items) == len(mine) > 7
        assert len({i["review_id"] for i in items}) == len(items)
        times = [i["reviewed_at"] for i in items]
        assert times == sorted(times, reverse=True)
        pairs = {(i["reviewer_id"], i["product_id"]) for i in items}
        assert pairs == set(zip(mine["reviewerID"], mine["productID"], strict=True))
        texts = {i["text"] for i in items}
        assert texts == set(mine["reviewText"])


def test_review_fields(shared_db: str, raw_frame: pd.DataFrame) -> None:
    """A review carries its rating, vote text and parsed helpful votes, and raw reviewTime."""
    row = raw_frame[raw_frame["vote"] > 0].iloc[0]
    client = make_app(shared_db).test_client()
    body = client.get(
        f"/reviewers/{row['reviewerID']}/reviews", query_string={"limit": 100}
    ).get_json()
    item = next(i for i in body["items"] if i["product_id"] == row["productID"])
    assert item["rating"] == row["overall"]
    assert item["helpful_votes"] == row["vote"]
    assert item["vote"] == f"{row['vote']:,}"
    assert item["review_time"] == row["reviewTime"]
    assert item["summary"] == row["summary"]
    assert item["verified"] is None
    assert body["scope"] == "reviewer" and body["id"] == row["reviewerID"]


def test_offset_pages_agree_with_cursor_pages(shared_db: str, raw_frame: pd.DataFrame) -> None:
    """`offset` is an alternative to the cursor over the same order."""
    key = raw_frame["productID"].value_counts().index[0]
    client = make_app(shared_db).test_client()
    first = client.get(f"/products/{key}/reviews", query_string={"limit": 5}).get_json()
    second = client.get(
        f"/products/{key}/reviews", query_string={"limit": 5, "cursor": first["next_cursor"]}
    ).get_json()
    by_offset = client.get(
        f"/products/{key}/reviews", query_string={"limit": 5, "offset": 5}
    ).get_json()
    assert [i["review_id"] for i in by_offset["items"]] == [i["review_id"] for i in second["items"]]
