"""Helpers for the streaming tests: hand-built deliveries and a loaded real-data warehouse."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from riverbed.ingestor.streaming import load
from tests.conftest import shared_file


def author(name: str, label: str = "Singaporeans", died: str | None = None) -> dict[str, Any]:
    """Return an authors.json record shaped like the vendor's (blank placeholder first)."""
    return {
        "metadata": {"name": name, "birth_date": "1956-05-07T00:00:00.000+0000", "died_at": died},
        "nationalities": [
            {"id": None, "label": "", "slug": None},
            {"id": None, "label": label, "slug": label.lower()},
        ],
    }


def book(name: str, author_name: str, pages: int = 100) -> dict[str, Any]:
    """Return a books.json record."""
    return {"name": name, "pages": pages, "author": author_name, "publisher": "Pub"}


def review(
    book_title: str,
    movie_title: str,
    created: str = "2021-12-02T06:11:35.525+0100",
    text: str = "Fine.",
    rate: int = 4,
    sentinel_first: bool = False,
) -> dict[str, Any]:
    """Return a reviews.json record: UPPERCASE titles, "end" sentinel, pages "unknown"."""
    movies = [{"id": 0, "title": movie_title.upper()}, {"id": 0, "title": "end"}]
    if sentinel_first:
        movies.reverse()
    return {
        "content": {"text": text},
        "rating": {"rate": rate, "label": ["ONE", "TWO", "THREE", "FOUR", "FIVE"][rate - 1]},
        "books": [{"id": None, "metadata": {"title": book_title.upper(), "pages": "unknown"}}],
        "movies": movies,
        "updated": "2021-12-01T13:58:10.255+0100",
        "created": created,
    }


MOVIES = [
    {
        "title": "Unforgiven",
        "duration_mins": "130",
        "original_language": "English",
        "size_mb": "900",
    },
    {"title": "WALL·E", "duration_mins": "98", "original_language": "English", "size_mb": "700"},
]
USERS = [{"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}]
STREAMS = [
    {
        "movie_title": "Unforgiven",
        "user_email": "ann@example.com",
        "size_mb": "500.5",
        "start_at": "2021-12-25T06:30:00.000+0100",
        "end_at": "2021-12-25T08:00:00.000+0100",
    }
]


def _csv(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def write_delivery(
    root: Path,
    *,
    authors: list[dict[str, Any]] | None = None,
    books: list[dict[str, Any]] | None = None,
    reviews: list[dict[str, Any]] | None = None,
    users: list[dict[str, str]] | None = None,
    movies: list[dict[str, str]] | None = None,
    streams: list[dict[str, str]] | None = None,
) -> tuple[Path, Path]:
    """Write internal/ and vendor/ folders of one delivery; return both paths."""
    internal, vendor = root / "internal", root / "vendor"
    internal.mkdir(parents=True, exist_ok=True)
    vendor.mkdir(parents=True, exist_ok=True)
    _csv(
        internal / "users.csv",
        USERS if users is None else users,
        ["first_name", "last_name", "email"],
    )
    _csv(
        internal / "movies.csv",
        MOVIES if movies is None else movies,
        ["title", "duration_mins", "original_language", "size_mb"],
    )
    _csv(
        internal / "streams.csv",
        STREAMS if streams is None else streams,
        ["movie_title", "user_email", "size_mb", "start_at", "end_at"],
    )
    default_authors = [author("Garland Lynch")]
    default_books = [book("Unforgiven Tale", "Garland Lynch")]
    default_reviews = [review("Unforgiven Tale", "Unforgiven")]
    for name, rows in (
        ("authors.json", default_authors if authors is None else authors),
        ("books.json", default_books if books is None else books),
        ("reviews.json", default_reviews if reviews is None else reviews),
    ):
        (vendor / name).write_text(json.dumps(rows, indent=4), encoding="utf-8")
    return internal, vendor


def rows(wh: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run a query on the warehouse read-only."""
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def real_dir(shared_data: Path) -> Path:
    """Return the folder of the real streaming files."""
    return shared_file(shared_data, "streaming/streams.csv").parent


@pytest.fixture(scope="session")
def real_warehouse(real_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Load the real files once (as of 2021-12-31) into a session warehouse."""
    wh = tmp_path_factory.mktemp("streaming") / "real.duckdb"
    load(real_dir, real_dir, date(2021, 12, 31), wh)
    yield wh
