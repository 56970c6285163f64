"""Every error of the reviews routes: 404 unknown ids, 400 naming the offending parameter."""

from __future__ import annotations

import pandas as pd
import pytest

from riverbed.core.web import encode_cursor
from tests.reviews.conftest import make_app

ROUTES = [
    "/products/{p}/reviews/summary",
    "/reviewers/{r}/reviews/summary",
    "/products/{p}/reviews",
    "/reviewers/{r}/reviews",
]

BAD_QUERIES: list[tuple[dict[str, str], str]] = [
    ({"from": "2014-01-02", "to": "2014-01-01"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2014-13-01"}, "to"),
    ({"to": "02 28, 2014"}, "to"),
    ({"from": "1969-12-31"}, "from"),
    ({"to": "2100-01-02"}, "to"),
    ({"from": "2014-01-01" + "0" * 60}, "from"),
    ({"form": "2014-01-01"}, "form"),
]
PAGE_QUERIES: list[tuple[dict[str, str], str]] = [
    ({"limit": "0"}, "limit"),
    ({"limit": "101"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": encode_cursor({"t": "x", "id": 1})}, "cursor"),
    ({"cursor": "x" * 300}, "cursor"),
    ({"offset": "-1"}, "offset"),
]


@pytest.fixture
def ids(raw_frame: pd.DataFrame) -> dict[str, str]:
    """A known product and reviewer."""
    row = raw_frame.iloc[0]
    return {"p": row["productID"], "r": row["reviewerID"]}


def _error(resp: object, status: int) -> dict[str, object]:
    assert resp.status_code == status, resp.get_data(as_text=True)  # type: ignore[attr-defined]
    body = resp.get_json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("route", ROUTES)
def test_unknown_id_is_404(shared_db: str, route: str) -> None:
    """An id no review has answers 404 with the JSON error envelope, filters or not."""
    client = make_app(shared_db).test_client()
    for query in ({}, {"from": "2014-01-01"}):
        err = _error(client.get(route.format(p="B000NOPE00", r="ANOBODY"), query_string=query), 404)
        assert err["code"] == "not_found"
        assert "B000NOPE00" in str(err["message"]) or "ANOBODY" in str(err["message"])


@pytest.mark.parametrize("route", ROUTES)
def test_bad_query_is_400_naming_the_parameter(
    shared_db: str, ids: dict[str, str], route: str
) -> None:
    """Unordered, unparseable, out-of-range dates and unknown parameters name the culprit."""
    client = make_app(shared_db).test_client()
    cases = BAD_QUERIES + (PAGE_QUERIES if not route.endswith("summary") else [])
    for query, name in cases:
        err = _error(client.get(route.format(**ids), query_string=query), 400)
        assert name in str(err["message"]), (query, err)
        assert any(d["field"] == name for d in err["details"]), (query, err)  # type: ignore[attr-defined,index]


@pytest.mark.parametrize("route", ROUTES)
def test_oversized_or_unprintable_id_is_400(shared_db: str, route: str) -> None:
    """Ids over 64 characters, blank or with control characters never reach the database."""
    client = make_app(shared_db).test_client()
    name = "product_id" if route.startswith("/products") else "reviewer_id"
    for bad in ("B" * 65, "B%00X", "%20%20"):
        err = _error(client.get(route.format(p=bad, r=bad)), 400)
        assert name in str(err["message"])


def test_cursor_and_offset_together_is_400(shared_db: str, ids: dict[str, str]) -> None:
    """The two ways to page cannot be mixed."""
    client = make_app(shared_db).test_client()
    cursor = encode_cursor({"t": 1, "id": 1})
    resp = client.get(
        f"/products/{ids['p']}/reviews", query_string={"cursor": cursor, "offset": "3"}
    )
    _error(resp, 400)


def test_routes_are_in_the_openapi_document(shared_db: str) -> None:
    """The four routes are documented with their parameters and error responses."""
    doc = make_app(shared_db).test_client().get("/openapi.json").get_json()
    for route in ROUTES:
        path = route.replace("{p}", "{product_id}").replace("{r}", "{reviewer_id}")
        op = doc["paths"][path]["get"]
        names = {p["name"] for p in op["parameters"]}
        assert {"from", "to"} <= names
        assert {"200", "400", "404"} <= set(op["responses"])
        if not path.endswith("summary"):
            assert {"limit", "cursor"} <= names
    assert "ProductSummary" in doc["components"]["schemas"]
