"""`riverbed reviews load`: every input format, both databases, idempotent, bad lines named."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text

from riverbed.api.reviews._load import load_source
from riverbed.api.reviews._readers import open_source
from riverbed.api.reviews._schema import COLUMNS
from riverbed.core.errors import DataError
from riverbed.core.settings import normalize_database_url
from riverbed.data.reviews import dump_record, generate_reviews, write_reviews
from tests.reviews.conftest import make_app

ORDER = '"productID", "reviewerID", "unixReviewTime"'


def _rows(url: str) -> list[dict[str, Any]]:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as conn:
            cols = ", ".join(f'"{c}"' for c in COLUMNS)
            result = conn.execute(text(f"SELECT {cols} FROM reviews ORDER BY {ORDER}"))
            return [dict(r._mapping) for r in result]
    finally:
        engine.dispose()


def _comparable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keep = [c for c in COLUMNS if c not in ("level_0", "index")]
    out = []
    for r in rows:
        verified = None if r["verified"] is None else bool(r["verified"])
        values = (verified if c == "verified" else r[c] for c in keep)
        out.append(tuple(None if v is not None and pd.isna(v) else v for v in values))
    return sorted(out, key=lambda t: (t[4], t[3], t[8]))


def test_shared_dump_loads_once_and_reloads_as_a_no_op(
    db_url: str, reviews_path: Path, raw_frame: pd.DataFrame
) -> None:
    """10,261 reviews, asin -> productID, helpful[0] -> vote, absent verified -> NULL."""
    first = load_source(open_source(reviews_path), db_url)
    assert (first.read, first.inserted, first.bad_count) == (10261, 10261, 0)
    again = load_source(open_source(reviews_path), db_url)
    assert (again.read, again.inserted, again.already_stored) == (10261, 0, 10261)
    rows = _rows(db_url)
    assert len(rows) == 10261
    assert len({r["level_0"] for r in rows}) == 10261
    assert all(r["verified"] is None for r in rows)
    want = raw_frame.set_index(["productID", "reviewerID"])
    for r in rows[::97]:
        src = want.loc[(r["productID"], r["reviewerID"])]
        assert r["vote"] == f"{src['vote']:,}"
        assert r["overall"] == src["overall"]
        assert r["reviewTime"] == src["reviewTime"]
        assert r["reviewText"] == src["reviewText"]
    names = {
        i["name"]
        for i in inspect(create_engine(normalize_database_url(db_url))).get_indexes("reviews")
    }
    assert {"ix_reviews_product_time", "ix_reviews_reviewer_time", "ix_reviews_time"} <= names


@pytest.mark.parametrize("name", ["gen.jsonl", "gen.csv", "gen.json.gz"])
def test_generated_files_round_trip(db_url: str, tmp_path: Path, name: str) -> None:
    """JSON lines (plain or gz) and CSV exports load back to the generator's exact rows."""
    path = tmp_path / name
    write_reviews(path, 500, seed=11)
    result = load_source(open_source(path), db_url)
    assert result.inserted == 500
    assert _comparable(_rows(db_url)) == _comparable(list(generate_reviews(500, seed=11)))


def _exercise_sqlite(path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    """Build a file like the exercise's: pandas to_sql, level_0/index, verified, text votes."""
    df = raw.sample(800, random_state=5).reset_index().reset_index()
    df = df.rename(columns={"index": "index"})
    df["verified"] = [i % 3 != 0 for i in range(len(df))]
    df["vote"] = [None if v == 0 else f"{v * 400:,}" for v in df["vote"]]
    df = df[list(COLUMNS)]
    with sqlite3.connect(path) as conn:
        df.to_sql("reviews", conn, index=False)
    return df


def test_exercise_sqlite_file_loads_and_is_served_as_is(
    db_url: str, tmp_path: Path, raw_frame: pd.DataFrame
) -> None:
    """An exercise-schema SQLite file is a valid source, and the API serves it unmigrated."""
    src = tmp_path / "musical_instrument_reviews.sqlite"
    df = _exercise_sqlite(src, raw_frame)
    result = load_source(open_source(src), db_url)
    assert result.inserted == 800
    stored = _rows(db_url)
    assert _comparable(stored) == _comparable(df.to_dict("records"))
    assert sorted(r["index"] for r in stored) == sorted(df["index"])

    exercise_url = f"sqlite:///{src}"
    row = df.iloc[0]
    client = make_app(exercise_url).test_client()
    body = client.get(f"/products/{row['productID']}/reviews/summary").get_json()
    mine = df[df["productID"] == row["productID"]]
    assert body["review_count"] == len(mine)
    assert body["verified_share"] == pytest.approx(mine["verified"].mean())
    votes = mine["vote"].map(lambda v: int(v.replace(",", "")) if isinstance(v, str) else 0).sum()
    assert body["helpful_votes_total"] == votes


def test_migration_keeps_an_exercise_file_and_adds_indexes(
    tmp_path: Path, raw_frame: pd.DataFrame
) -> None:
    """The reviews branch on an existing exercise table: rows untouched, indexes added."""
    from riverbed.core.migrations import upgrade

    src = tmp_path / "exercise.sqlite"
    _exercise_sqlite(src, raw_frame)
    url = f"sqlite:///{src}"
    before = _rows(url)
    upgrade(url, "reviews@head")
    upgrade(url, "reviews@head")
    assert _rows(url) == before
    with sqlite3.connect(src) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_reviews_product_time", "ix_reviews_reviewer_time", "ix_reviews_time"} <= names


def _bad_file(path: Path) -> None:
    good = [dump_record(r) for r in generate_reviews(6, seed=2)]
    lines = [json.dumps(good[0]), json.dumps(good[1]), "{not json", json.dumps(good[2])]
    no_asin = dict(good[3])
    del no_asin["asin"]
    lines.append(json.dumps(no_asin))
    lines.append(json.dumps({**good[4], "overall": 7}))
    lines.append("")
    lines.append(json.dumps({**good[5], "vote": "lots"}))
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")


def test_bad_lines_are_named_and_nothing_is_written(db_url: str, tmp_path: Path) -> None:
    """Line numbers and fields of every bad line; the stored data is untouched."""
    write_reviews(tmp_path / "base.jsonl", 50, seed=9)
    load_source(open_source(tmp_path / "base.jsonl"), db_url)
    bad = tmp_path / "bad.json.gz"
    _bad_file(bad)
    with pytest.raises(DataError) as info:
        load_source(open_source(bad), db_url)
    message = str(info.value)
    assert "4 bad record(s)" in message
    assert f"{bad}:3: malformed JSON" in message
    assert f"{bad}:5: missing (field 'asin')" in message
    assert f"{bad}:6:" in message and "'overall'" in message
    assert f"{bad}:8:" in message and "'vote'" in message
    assert len(_rows(db_url)) == 50

    result = load_source(open_source(bad), db_url, skip_bad=True)
    assert (result.inserted, result.bad_count) == (3, 4)
    assert len(_rows(db_url)) == 53


def test_reload_of_a_larger_file_inserts_only_new_reviews(db_url: str, tmp_path: Path) -> None:
    """The staging path: a superset file adds exactly the missing reviews."""
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    write_reviews(small, 300, seed=4)
    rows = list(generate_reviews(300, seed=4))
    load_source(open_source(small), db_url)
    extra = list(generate_reviews(120, seed=99))
    pd.DataFrame(rows + extra).to_csv(big, index=False)
    result = load_source(open_source(big), db_url)
    assert (result.inserted, result.already_stored) == (120, 300)
    stored = _rows(db_url)
    assert len(stored) == 420
    assert len({r["level_0"] for r in stored}) == 420


def test_csv_without_required_columns_is_rejected(sqlite_url: str, tmp_path: Path) -> None:
    """A CSV lacking productID/asin fails on line 1, naming the column."""
    path = tmp_path / "x.csv"
    path.write_text("reviewerID,overall,unixReviewTime\nA1,5,1393545600\n")
    with pytest.raises(DataError, match=r"x.csv:1: CSV header lacks column\(s\) productID"):
        load_source(open_source(path), sqlite_url)
