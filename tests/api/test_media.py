"""Media routes on SQLite and real Postgres: behaviour, validation and error answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from riverbed.core.settings import normalize_database_url


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as conn:
            return {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("pages", "videos", "insights")
            }
    finally:
        engine.dispose()


def _post(client: FlaskClient, path: str, body: Any) -> Any:
    resp = client.post(path, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp


def _error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    body = resp.get_json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return dict(body["error"])


def test_create_get_and_location(client: FlaskClient) -> None:
    resp = _post(client, "/pages", {"name": "OurMedia France"})
    page = resp.get_json()
    assert resp.headers["Location"] == f"/pages/{page['id']}"
    assert page["name"] == "OurMedia France" and page["created_at"].endswith("Z")
    assert client.get(resp.headers["Location"]).get_json() == page
    video = _post(client, "/videos", {"title": "A", "page_id": page["id"]}).get_json()
    insight = _post(client, "/insights", {"video_id": video["id"], "likes": 3, "views": 9})
    assert insight.get_json()["likes"] == 3
    listed = client.get(f"/pages/{page['id']}/videos").get_json()
    assert [v["id"] for v in listed["items"]] == [video["id"]]
    assert client.get(f"/videos/{video['id']}/insights").get_json()["items"][0]["views"] == 9


def test_four_tasks_delete_video_deletes_its_insights(
    client: FlaskClient, migrated_url: str
) -> None:
    page = _post(client, "/pages", {"name": "OurMedia France"}).get_json()
    a = _post(client, "/videos", {"title": "A", "page_id": page["id"]}).get_json()
    b = _post(client, "/videos", {"title": "B", "page_id": page["id"]}).get_json()
    for v in (a, b):
        _post(client, "/insights", {"video_id": v["id"], "likes": 1, "views": 2})
    assert client.delete(f"/videos/{b['id']}").status_code == 204
    assert _counts(migrated_url) == {"pages": 1, "videos": 1, "insights": 1}
    _error(client.get(f"/videos/{b['id']}"), 404)
    remaining = client.get("/insights").get_json()["items"]
    assert [i["video_id"] for i in remaining] == [a["id"]]


def test_delete_page_with_videos_needs_cascade(client: FlaskClient, migrated_url: str) -> None:
    page = _post(client, "/pages", {"name": "P"}).get_json()
    v = _post(client, "/videos", {"title": "A", "page_id": page["id"]}).get_json()
    _post(client, "/insights", {"video_id": v["id"], "likes": 0, "views": 0})
    _error(client.delete(f"/pages/{page['id']}"), 409)
    assert _counts(migrated_url) == {"pages": 1, "videos": 1, "insights": 1}
    _error(client.delete(f"/pages/{page['id']}?cascade=maybe"), 400)
    assert client.delete(f"/pages/{page['id']}?cascade=true").status_code == 204
    assert _counts(migrated_url) == {"pages": 0, "videos": 0, "insights": 0}
    empty = _post(client, "/pages", {"name": "Empty"}).get_json()
    assert client.delete(f"/pages/{empty['id']}").status_code == 204


def test_pagination_cursor_and_offset_are_stable(client: FlaskClient) -> None:
    ids = [_post(client, "/pages", {"name": f"page {i}"}).get_json()["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get("/pages" + query).get_json()
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids)
    assert [p["id"] for p in client.get("/pages?limit=2&offset=5").get_json()["items"]] == ids[5:7]
    _error(client.get("/pages?limit=0"), 400)
    _error(client.get("/pages?limit=abc"), 400)
    _error(client.get("/pages?cursor=not-a-cursor!"), 400)
    _error(client.get(f"/pages?cursor={cursor or 'x'}&offset=1"), 400)


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/pages", {}, 422, "name"),
        ("/pages", {"name": ""}, 422, "name"),
        ("/pages", {"name": "x" * 256}, 422, "name"),
        ("/pages", {"name": "   "}, 422, "name"),
        ("/pages", {"name": "a\x00b"}, 422, "name"),
        ("/pages", {"name": 5}, 422, "name"),
        ("/pages", {"name": "ok", "extra": 1}, 422, "extra"),
        ("/videos", {"title": "A", "page_id": "1"}, 422, "page_id"),
        ("/videos", {"title": "A", "page_id": 999}, 422, "page_id"),
        ("/insights", {"video_id": 1, "likes": -1, "views": 0}, 422, "likes"),
        ("/insights", {"video_id": 1, "likes": 1.5, "views": 0}, 422, "likes"),
        ("/insights", {"video_id": 1, "likes": 0, "views": 2**63}, 422, "views"),
        ("/insights", {"video_id": 1, "likes": True, "views": 0}, 422, "likes"),
    ],
)
def test_invalid_bodies_are_refused_and_change_nothing(
    client: FlaskClient, migrated_url: str, path: str, body: Any, status: int, field: str
) -> None:
    page = _post(client, "/pages", {"name": "base"}).get_json()
    _post(client, "/videos", {"title": "v", "page_id": page["id"]})
    before = _counts(migrated_url)
    err = _error(client.post(path, json=body), status)
    fields = {d.get("field") for d in err["details"]}
    assert any(f and f.split(".")[0] == field for f in fields), err
    assert _counts(migrated_url) == before


def test_transport_errors(client: FlaskClient, migrated_url: str) -> None:
    err = _error(client.post("/pages", data='{"name": ', content_type="application/json"), 400)
    assert "malformed JSON" in err["message"]
    _error(client.post("/pages", data="name=x", content_type="text/plain"), 415)
    _error(client.post("/pages", json=["a list"]), 422)
    _error(client.post("/pages", json={"name": "x" * 5000}), 413)
    _error(client.put("/pages"), 405)
    _error(client.get("/nowhere"), 404)
    assert _counts(migrated_url) == {"pages": 0, "videos": 0, "insights": 0}


def test_duplicate_name_and_unknown_ids(client: FlaskClient) -> None:
    _post(client, "/pages", {"name": "dup"})
    assert _error(client.post("/pages", json={"name": "dup"}), 409)["code"] == "conflict"
    for path in (
        "/pages/999",
        "/videos/999",
        "/insights/999",
        "/pages/999/videos",
        "/videos/999/insights",
        f"/pages/{2**70}",
    ):
        _error(client.get(path), 404)
    for path in ("/pages/999", "/videos/999", "/insights/999"):
        _error(client.delete(path), 404)


def test_health_reports_database(client: FlaskClient) -> None:
    assert client.get("/health").get_json() == {"status": "ok", "database": "reachable"}
