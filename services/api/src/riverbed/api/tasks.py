"""The four tasks of the media exercise, run over HTTP against a running API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from riverbed.core.errors import ServiceError

__all__ = ["TaskResult", "run_tasks"]


@dataclass
class TaskResult:
    """What the four tasks created and deleted."""

    page: dict[str, Any] = field(default_factory=dict)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    insights: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted_video_id: int | None = None


def _call(session: requests.Session, method: str, url: str, expect: int, **kw: Any) -> Any:
    try:
        resp = session.request(method, url, timeout=10, **kw)
    except requests.RequestException as exc:
        raise ServiceError(f"{method} {url} failed: {exc}") from None
    if resp.status_code != expect:
        raise ServiceError(f"{method} {url} answered {resp.status_code}: {resp.text.strip()}")
    return resp.json() if resp.content else None


def run_tasks(
    base_url: str, echo: Callable[[str], None] = print, page_name: str = "OurMedia France"
) -> TaskResult:
    """Create the page, videos A and B, one insight each, then delete video B."""
    base = base_url.rstrip("/")
    out = TaskResult()
    with requests.Session() as s:
        existing = _find_page(s, base, page_name)
        if existing is not None:
            echo(f"0. page {page_name!r} exists (id {existing['id']}): deleting it with cascade")
            _call(s, "DELETE", f"{base}/pages/{existing['id']}?cascade=true", 204)
        out.page = _call(s, "POST", f"{base}/pages", 201, json={"name": page_name})
        echo(f"1. created page {out.page}")
        for title in ("A", "B"):
            out.videos[title] = _call(
                s, "POST", f"{base}/videos", 201, json={"title": title, "page_id": out.page["id"]}
            )
            echo(f"2. created video {out.videos[title]}")
        for i, (title, video) in enumerate(out.videos.items(), 1):
            body = {"video_id": video["id"], "likes": 10 * i, "views": 100 * i}
            out.insights[title] = _call(s, "POST", f"{base}/insights", 201, json=body)
            echo(f"3. created insight {out.insights[title]} for video {title}")
        video_b = out.videos["B"]["id"]
        _call(s, "DELETE", f"{base}/videos/{video_b}", 204)
        out.deleted_video_id = video_b
        _call(s, "GET", f"{base}/videos/{video_b}", 404)
        echo(f"4. deleted video B (id {video_b}) and its insight")
    return out


def _find_page(s: requests.Session, base: str, name: str) -> dict[str, Any] | None:
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        data = _call(s, "GET", f"{base}/pages", 200, params=params)
        for page in data["items"]:
            if page["name"] == name:
                return dict(page)
        cursor = data["next_cursor"]
        if not cursor:
            return None
