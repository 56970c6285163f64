"""SCD2 behaviour of vendor and internal dimensions over hand-built successive dumps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from riverbed.core.errors import DataError, UserInputError
from riverbed.ingestor.streaming import load
from tests.streaming.conftest import STREAMS, author, book, review, rows, write_delivery

D1, D2, D3, D4 = date(2022, 1, 1), date(2022, 1, 2), date(2022, 1, 3), date(2022, 1, 4)


def _versions(wh: Path, table: str, key: str) -> list[tuple[object, ...]]:
    return rows(
        wh,
        f"SELECT valid_from, valid_to, is_current, is_deleted FROM {table} "
        "WHERE natural_key = ? ORDER BY valid_from, is_current",
        [key],
    )


def _deliver(tmp_path: Path, wh: Path, day: date, **kw: object) -> object:
    internal, vendor = write_delivery(tmp_path / str(day), **kw)  # type: ignore[arg-type]
    return load(internal, vendor, day, wh)


def test_insert_update_delete_resurrect(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    a, b = author("Garland Lynch"), author("Al Hamill", "Armenians")
    r1 = _deliver(tmp_path, wh, D1, authors=[a, b])
    assert r1.by_name("authors").changes["new"] == 2  # type: ignore[attr-defined]
    assert list(r1.by_name("authors").changes) == [  # type: ignore[attr-defined]
        "new",
        "resurrected",
        "changed",
        "unchanged",
        "kept_rejected",
        "deleted",
    ]
    assert _versions(wh, "dim_author", "Al Hamill") == [(D1, None, True, False)]

    # Update: Al Hamill changes nationality -> old version closed, new one opened.
    b2 = author("Al Hamill", "Danes")
    r2 = _deliver(tmp_path, wh, D2, authors=[a, b2])
    assert r2.by_name("authors").changes["changed"] == 1  # type: ignore[attr-defined]
    assert _versions(wh, "dim_author", "Al Hamill") == [
        (D1, D2, False, False),
        (D2, None, True, False),
    ]
    assert rows(
        wh, "SELECT nationalities FROM dim_author WHERE natural_key='Al Hamill' AND is_current"
    ) == [(["Dane"],)]

    # Delete: Al Hamill missing from the dump -> closed and marked deleted, history kept.
    r3 = _deliver(tmp_path, wh, D3, authors=[a])
    assert r3.by_name("authors").changes["deleted"] == 1  # type: ignore[attr-defined]
    assert _versions(wh, "dim_author", "Al Hamill") == [
        (D1, D2, False, False),
        (D2, D3, False, True),
    ]
    # Garland Lynch untouched throughout.
    assert _versions(wh, "dim_author", "Garland Lynch") == [(D1, None, True, False)]

    # Resurrection: the deleted key comes back -> a new current version.
    r4 = _deliver(tmp_path, wh, D4, authors=[a, b2])
    assert r4.by_name("authors").changes["resurrected"] == 1  # type: ignore[attr-defined]
    assert _versions(wh, "dim_author", "Al Hamill") == [
        (D1, D2, False, False),
        (D2, D3, False, True),
        (D4, None, True, False),
    ]
    assert rows(wh, "SELECT count(*) FROM load_log") == [(4,)]


def test_identical_redelivery_changes_nothing(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    snapshot = rows(wh, "SELECT * FROM dim_review ORDER BY natural_key")
    facts = rows(wh, "SELECT count(*) FROM fact_stream")
    # Same date, same content: skipped, nothing written (not even the load log).
    same = _deliver(tmp_path, wh, D1)
    assert same.skipped  # type: ignore[attr-defined]
    # Later date, same content: a load is logged but no dimension or fact row changes.
    later = _deliver(tmp_path, wh, D2)
    assert later.by_name("reviews").changes["unchanged"] == 1  # type: ignore[attr-defined]
    assert later.by_name("streams").changes == {"new": 0, "already_loaded": 1}  # type: ignore[attr-defined]
    assert rows(wh, "SELECT * FROM dim_review ORDER BY natural_key") == snapshot
    assert rows(wh, "SELECT count(*) FROM fact_stream") == facts
    for table in ("dim_author", "dim_book", "dim_user", "dim_movie"):
        assert (
            rows(wh, f"SELECT count(*), count(*) FILTER (WHERE valid_from = ?) FROM {table}", [D2])[
                0
            ][1]
            == 0
        )


def test_review_edit_is_a_new_version_not_a_new_review(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1, reviews=[review("Unforgiven Tale", "Unforgiven", text="Good")])
    _deliver(
        tmp_path, wh, D2, reviews=[review("Unforgiven Tale", "Unforgiven", text="Bad", rate=1)]
    )
    got = rows(
        wh, "SELECT review_text, rating, is_current, is_deleted FROM dim_review ORDER BY valid_from"
    )
    assert got == [("Good", 4, False, False), ("Bad", 1, True, False)]
    assert rows(wh, "SELECT count(DISTINCT review_id) FROM dim_review") == [(1,)]


def test_out_of_order_dump_refused(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D2)
    with pytest.raises(
        UserInputError,
        match=r"out-of-order delivery: --as-of 2022-01-01 is before the latest load \(2022-01-02\)",
    ):
        _deliver(tmp_path, wh, D1)
    assert rows(wh, "SELECT count(*) FROM load_log") == [(1,)]


def test_different_content_for_a_loaded_date_refused(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    with pytest.raises(UserInputError, match="already loaded"):
        _deliver(tmp_path, wh, D1, authors=[author("Garland Lynch"), author("New One")])
    assert rows(wh, "SELECT count(*) FROM dim_author") == [(1,)]


def test_failed_load_keeps_what_was_stored(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    before = rows(wh, "SELECT count(*) FROM dim_author UNION ALL SELECT count(*) FROM load_log")
    internal, vendor = write_delivery(tmp_path / "broken")
    (vendor / "books.json").write_text('[{"name": "x", ', encoding="utf-8")
    with pytest.raises(DataError, match=r"books.json"):
        load(internal, vendor, D2, wh)
    # An empty vendor file would delete everything: refused, nothing touched.
    internal, vendor = write_delivery(tmp_path / "empty", authors=[])
    with pytest.raises(DataError, match="refusing to mark everything deleted"):
        load(internal, vendor, D2, wh)
    assert (
        rows(wh, "SELECT count(*) FROM dim_author UNION ALL SELECT count(*) FROM load_log")
        == before
    )
    assert rows(wh, "SELECT count(*) FROM dim_author WHERE is_deleted") == [(0,)]


def test_internal_dimensions_are_scd2_and_streams_reference_them(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    movies = [
        {
            "title": "Unforgiven",
            "duration_mins": "131",
            "original_language": "English",
            "size_mb": "900",
        },
    ]
    _deliver(tmp_path, wh, D2, movies=movies)
    assert _versions(wh, "dim_movie", "UNFORGIVEN") == [
        (D1, D2, False, False),
        (D2, None, True, False),
    ]
    assert _versions(wh, "dim_movie", "WALL·E") == [(D1, D2, False, True)]
    got = rows(
        wh,
        "SELECT f.duration_mins, f.size_gb, u.email, m.title FROM fact_stream f "
        "JOIN dim_user u ON u.user_id = f.user_id AND u.is_current "
        "JOIN dim_movie m ON m.movie_id = f.movie_id AND m.is_current",
    )
    assert got == [(90.0, 0.5005, "ann@example.com", "Unforgiven")]


def test_rejected_record_keeps_the_current_version(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1, books=[book("Unforgiven Tale", "Garland Lynch")])
    broken = book("Unforgiven Tale", "Garland Lynch", pages=-1)
    res = _deliver(tmp_path, wh, D2, books=[broken])
    assert res.by_name("books").changes["kept_rejected"] == 1  # type: ignore[attr-defined]
    assert _versions(wh, "dim_book", "UNFORGIVEN TALE") == [(D1, None, True, False)]
    assert rows(wh, "SELECT as_of, reason FROM rejects WHERE severity = 'reject'") == [
        (D2, "pages is not a positive integer: -1")
    ]


def test_different_streams_with_the_same_row_count_for_a_loaded_date_refused(
    tmp_path: Path,
) -> None:
    # The streams fingerprint used to hash a column that is NULL for valid records, so it only
    # counted rows: this re-delivery was skipped as "identical". It differs: refused.
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    for change in ({"size_mb": "600"}, {"end_at": "2021-12-25T09:00:00.000+0100"}):
        streams = [{**STREAMS[0], **change}]
        with pytest.raises(UserInputError, match="a different delivery for 2022-01-01"):
            _deliver(tmp_path / str(change), wh, D1, streams=streams)
    assert rows(wh, "SELECT size_mb, duration_mins FROM fact_stream") == [(500.5, 90.0)]
    assert _deliver(tmp_path, wh, D1).skipped  # type: ignore[attr-defined]


def test_legacy_fingerprint_is_verified_then_upgraded(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    _deliver(tmp_path, wh, D1)
    (fp,) = rows(wh, "SELECT fingerprint FROM load_log")[0]
    assert isinstance(fp, str) and fp.startswith("v2;")
    # A warehouse loaded before v2: no prefix, streams part = count + a content-free hash.
    legacy = ";".join([*fp.split(";")[1:-1], "streams:1:42"])

    def set_fingerprint(value: str) -> None:
        con = duckdb.connect(str(wh))
        con.execute("UPDATE load_log SET fingerprint = ?", [value])
        con.close()

    set_fingerprint(legacy)
    changed = [{**STREAMS[0], "size_mb": "600"}]
    with pytest.raises(UserInputError, match="a different delivery"):
        _deliver(tmp_path / "changed", wh, D1, streams=changed)
    assert rows(wh, "SELECT fingerprint FROM load_log") == [(legacy,)]
    same = _deliver(tmp_path, wh, D1)
    assert same.skipped and "upgraded" in same.message  # type: ignore[attr-defined]
    assert rows(wh, "SELECT fingerprint FROM load_log") == [(fp,)]
    assert rows(wh, "SELECT count(*) FROM fact_stream") == [(1,)]
