"""`POST /sav/metrics`: validation, idempotency (also under concurrency) and the OpenAPI entry."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient

from riverbed.api import ApiSettings, create_app
from riverbed.core.migrations import upgrade
from tests.sav.conftest import Receiver


def _entry(key: str = "FR", **over: Any) -> dict[str, Any]:
    entry = {
        "period": "2024-05-01",
        "dimension": "country",
        "key": key,
        "tickets": 5,
        "answered": 3,
        "mean_dt_seconds": 12.5,
        "median_dt_seconds": 10.0,
        "p90_dt_seconds": 20.0,
        "mean_exch_nr": 2.0,
    }
    return {**entry, **over}


@pytest.fixture
def client(db_url: str) -> Iterator[FlaskClient]:
    upgrade(db_url)
    app = create_app(ApiSettings(database_url=db_url, log_json=False))
    yield app.test_client()
    app.extensions["riverbed_db"].engine.dispose()


def test_store_replay_and_conflict(client: FlaskClient) -> None:
    body = {"entries": [_entry("FR"), _entry("DE", tickets=2, answered=0, mean_dt_seconds=None)]}
    first = client.post("/sav/metrics", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and first.get_json()["stored"] == 2
    again = client.post("/sav/metrics", json=body, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 200 and again.get_json() == {
        "idempotency_key": "k-1",
        "stored": 0,
        "replayed": True,
    }
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/sav/metrics",
        json={"entries": [_entry("FR", tickets=9)]},
        headers={"Idempotency-Key": "k-1"},
    )
    assert other.status_code == 409 and "different body" in other.get_json()["error"]["message"]
    # a new batch for the same (period, dimension, key) updates the stored value
    newer = client.post(
        "/sav/metrics",
        json={"entries": [_entry("FR", tickets=9)]},
        headers={"Idempotency-Key": "k-2"},
    )
    assert newer.status_code == 201
    listed = client.get("/sav/metrics?period=2024-05-01&dimension=country&limit=1")
    page = listed.get_json()
    assert listed.status_code == 200 and len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get(f"/sav/metrics?period=2024-05-01&limit=5&cursor={page['next_cursor']}")
    items = page["items"] + rest.get_json()["items"]
    assert {(i["key"], i["tickets"]) for i in items} == {("FR", 9), ("DE", 2)}  # upserted
    assert client.get("/sav/metrics?key=FR").get_json()["items"][0]["batch_key"] == "k-2"
    assert client.get("/sav/metrics?dimension=city").status_code == 400
    assert client.get("/sav/metrics?cursor=zzz").status_code == 400


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ({"entries": [_entry()]}, {}, 400),
        ({"entries": [_entry()]}, {"Idempotency-Key": "bad key with spaces"}, 400),
        ({"entries": [_entry(str(i)) for i in range(11)]}, {"Idempotency-Key": "k"}, 422),
        ({"entries": []}, {"Idempotency-Key": "k"}, 422),
        ({"entries": [_entry(), _entry()]}, {"Idempotency-Key": "k"}, 422),
        ({"entries": [_entry(answered=6)]}, {"Idempotency-Key": "k"}, 422),
        ({"entries": [_entry(dimension="city")]}, {"Idempotency-Key": "k"}, 422),
        ({"entries": [_entry(period="2024-13-01")]}, {"Idempotency-Key": "k"}, 422),
        ({"entries": [_entry(mean_dt_seconds=-1)]}, {"Idempotency-Key": "k"}, 422),
    ],
)
def test_invalid_requests_are_rejected_and_store_nothing(
    client: FlaskClient, body: dict[str, Any], headers: dict[str, str], status: int
) -> None:
    resp = client.post("/sav/metrics", json=body, headers=headers)
    assert resp.status_code == status
    assert resp.get_json()["error"]["code"]
    ok = client.post("/sav/metrics", json={"entries": [_entry()]}, headers={"Idempotency-Key": "k"})
    assert ok.status_code == 201  # the failed request did not burn the key


def test_concurrent_twins_store_once(receiver: Receiver) -> None:
    body = {"entries": [_entry(str(i)) for i in range(10)]}
    # the key ends in "3": the flaky wrapper lets every attempt through
    headers = {"Idempotency-Key": "twin-0003"}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{receiver.url}/sav/metrics", json=body, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        codes = sorted(r.status_code for r in pool.map(post, range(8)))
    assert codes.count(201) == 1 and codes.count(200) == 7


def test_openapi_documents_the_receiver_and_its_key(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    op = doc["paths"]["/sav/metrics"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in op["parameters"])
    assert {"200", "201", "400", "409", "422"} <= set(op["responses"])
    assert doc["components"]["schemas"]["MetricsBatch"]["properties"]["entries"]["maxItems"] == 10
