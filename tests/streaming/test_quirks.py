"""Every quirk of the real files handled on purpose, and bad records sent to rejects."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from riverbed.ingestor.streaming import load
from tests.streaming.conftest import STREAMS, author, book, review, rows, write_delivery


def test_placeholder_nationality_dropped_and_demonyms_singularised(
    real_warehouse: Path, real_dir: Path
) -> None:
    raw = json.loads((real_dir / "authors.json").read_text(encoding="utf-8"))
    assert all(any(n["label"] == "" for n in a["nationalities"]) for a in raw)
    got = dict(rows(real_warehouse, "SELECT name, nationalities FROM dim_author WHERE is_current"))
    assert all("" not in v for v in got.values())
    singaporeans = sorted(k for k, v in got.items() if v == ["Singaporean"])
    assert singaporeans == ["Garland Lynch", "Graciela Kautzer V", "Jeffrey Baumbach VM"]
    assert got["Josh Johnston"] == ["Guianese (French)"]
    labels = dict(rows(real_warehouse, "SELECT name, nationality_labels FROM dim_author"))
    assert labels["Garland Lynch"] == "Singaporeans"


def test_nameless_author_rejected_with_reason(real_warehouse: Path) -> None:
    got = rows(
        real_warehouse,
        "SELECT source_file, record_no, severity, reason FROM rejects WHERE source_file LIKE '%authors.json'",
    )
    assert [(r[1], r[2], r[3]) for r in got] == [
        (201, "reject", "metadata.name is missing or blank")
    ]


def test_review_sentinel_uppercase_titles_and_dash_titles_match_movies(
    real_warehouse: Path, real_dir: Path
) -> None:
    raw = json.loads((real_dir / "reviews.json").read_text(encoding="utf-8"))
    assert rows(
        real_warehouse, "SELECT count(*) FROM dim_review WHERE lower(movie_title) = 'end'"
    ) == [(0,)]
    assert rows(real_warehouse, "SELECT count(*) FROM dim_review") == [(len(raw),)]
    matched = {
        t
        for (t,) in rows(
            real_warehouse,
            "SELECT DISTINCT m.title FROM dim_review r JOIN dim_movie m ON m.natural_key = r.movie_key",
        )
    }
    assert len(matched) == 85
    assert {"WALL·E", "Star Wars: Episode II \u2013 Attack of the Clones"} <= matched
    assert "Star Wars: Episode VII - The Force Awakens" in matched


def test_dash_variants_share_a_title_key(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    movies = [
        {
            "title": "Star Wars: Episode II \u2013 Attack of the Clones",
            "duration_mins": "142",
            "original_language": "English",
            "size_mb": "1",
        }
    ]
    internal, vendor = write_delivery(
        tmp_path,
        movies=movies,
        streams=[],
        reviews=[review("Unforgiven Tale", " star wars: episode ii - attack of the clones ")],
    )
    load(internal, vendor, date(2022, 1, 1), wh)
    got = rows(
        wh, "SELECT count(*) FROM dim_review r JOIN dim_movie m ON m.natural_key = r.movie_key"
    )
    assert got == [(1,)]


def test_pages_unknown_ignored_and_book_pages_from_books(real_warehouse: Path) -> None:
    assert rows(real_warehouse, "SELECT pages FROM dim_book WHERE title = 'An Evil Cradling'") == [
        (6302,)
    ]
    assert rows(real_warehouse, "SELECT count(*) FROM rejects WHERE reason LIKE '%pages%'") == [
        (0,)
    ]


def test_offsets_without_colon_parsed_to_utc_and_local(real_warehouse: Path) -> None:
    got = rows(
        real_warehouse,
        "SELECT start_at_utc, start_at_local, utc_offset_minutes, end_at_local FROM fact_stream "
        "WHERE user_email = 'rodrick_bergnaum@murray.co' AND movie_title = 'Full Metal Jacket' "
        "AND start_at_local = TIMESTAMP '2021-12-06 19:30:19.099'",
    )
    assert got == [
        (
            datetime(2021, 12, 6, 18, 30, 19, 99000),
            datetime(2021, 12, 6, 19, 30, 19, 99000),
            60,
            datetime(2021, 12, 7, 15, 44, 38, 177000),
        )
    ]


def test_missing_authors_kept_with_warnings(real_warehouse: Path, real_dir: Path) -> None:
    books = json.loads((real_dir / "books.json").read_text(encoding="utf-8"))
    names = {
        a["metadata"]["name"]
        for a in json.loads((real_dir / "authors.json").read_text(encoding="utf-8"))
    }
    orphans = sorted(b["name"].upper() for b in books if b["author"] not in names)
    assert len(orphans) == 8
    got = rows(
        real_warehouse, "SELECT natural_key FROM rejects WHERE severity = 'warning' ORDER BY 1"
    )
    assert [g[0] for g in got] == orphans
    assert rows(real_warehouse, "SELECT count(*) FROM dim_book") == [(len(books),)]


def test_created_after_updated_kept_and_flagged(real_warehouse: Path, real_dir: Path) -> None:
    raw = json.loads((real_dir / "reviews.json").read_text(encoding="utf-8"))
    fmt = "%Y-%m-%dT%H:%M:%S.%f%z"
    expected = sum(
        datetime.strptime(r["created"], fmt) > datetime.strptime(r["updated"], fmt) for r in raw
    )
    assert expected == 249
    assert rows(real_warehouse, "SELECT count(*) FROM dim_review WHERE created_after_updated") == [
        (expected,)
    ]


def test_bad_records_go_to_rejects_with_reasons(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    bad_review = review("Unforgiven Tale", "Unforgiven", created="yesterday")
    two_movies = review("Unforgiven Tale", "Unforgiven", created="2021-12-03T00:00:00.000+0100")
    two_movies["movies"] = [
        {"id": 0, "title": "end"},
        {"id": 0, "title": "A"},
        {"id": 0, "title": "B"},
    ]
    streams = [
        *STREAMS,
        {**STREAMS[0], "start_at": "2021-12-24T00:00:00.000+0100", "movie_title": "Nope"},
        {
            **STREAMS[0],
            "start_at": "2021-12-27T00:00:00.000+0100",
            "end_at": "2021-12-26T00:00:00.000+0100",
        },
        {**STREAMS[0], "size_mb": "lots", "start_at": "2021-12-24T00:00:00.000+0100"},
        dict(STREAMS[0]),
    ]
    internal, vendor = write_delivery(
        tmp_path,
        authors=[author("Garland Lynch"), author(""), author("Garland Lynch", "Danes")],
        books=[book("Unforgiven Tale", "Garland Lynch"), book("Thin", "Garland Lynch", pages=-3)],
        reviews=[
            review("Unforgiven Tale", "Unforgiven", sentinel_first=True),
            bad_review,
            two_movies,
        ],
        streams=streams,
    )
    result = load(internal, vendor, date(2022, 1, 1), wh)
    got = rows(
        wh,
        "SELECT regexp_extract(source_file, '[a-z]+\\.[a-z]+$'), record_no, reason FROM rejects "
        "WHERE severity = 'reject' ORDER BY 1, 2",
    )
    assert got == [
        ("authors.json", 2, "metadata.name is missing or blank"),
        ("authors.json", 3, "duplicate author name (first delivered as record 1)"),
        ("books.json", 2, "pages is not a positive integer: -3"),
        ("reviews.json", 2, "created is not an ISO-8601 timestamp: yesterday"),
        ("reviews.json", 3, 'expected exactly 1 movie besides the "end" sentinel, found 2'),
        ("streams.csv", 2, "unknown movie: Nope"),
        ("streams.csv", 3, "end_at is before start_at"),
        ("streams.csv", 4, "size_mb is not a non-negative number: lots"),
        ("streams.csv", 5, "duplicate stream (first delivered on line 2)"),
    ]
    assert result.by_name("streams").rejected == 4
    # Every delivered record is either loaded or rejected: nothing dropped silently.
    assert rows(wh, "SELECT count(*) FROM fact_stream") == [(1,)]
    assert rows(wh, "SELECT count(*) FROM dim_review") == [(1,)]
    assert rows(wh, "SELECT raw FROM rejects WHERE reason LIKE 'size_mb%'")[0][0].count("lots") == 1
