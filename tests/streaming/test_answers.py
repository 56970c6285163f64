"""Each of the six answers against an independent pandas computation on the real files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from riverbed.core.cli import root


@pytest.fixture(scope="module")
def answers(real_warehouse: Path) -> dict[str, dict[str, object]]:
    result = CliRunner().invoke(
        root,
        ["streaming", "answers", "--warehouse", f"duckdb:{real_warehouse}", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def frames(real_dir: Path) -> dict[str, pd.DataFrame]:
    streams = pd.read_csv(real_dir / "streams.csv")
    for col in ("start_at", "end_at"):
        # Local wall-clock time of the data: drop the offset text ("+0100").
        streams[col + "_local"] = pd.to_datetime(
            streams[col].str[:23], format="%Y-%m-%dT%H:%M:%S.%f"
        )
    movies = pd.read_csv(real_dir / "movies.csv")
    reviews = json.loads((real_dir / "reviews.json").read_text(encoding="utf-8"))
    books = json.loads((real_dir / "books.json").read_text(encoding="utf-8"))
    authors = json.loads((real_dir / "authors.json").read_text(encoding="utf-8"))
    pairs = []
    for r in reviews:
        movie = next(m["title"] for m in r["movies"] if m["title"] != "end")
        pairs.append((movie, r["books"][0]["metadata"]["title"]))
    links = pd.DataFrame(pairs, columns=["movie_upper", "book_upper"])
    book_authors = {b["name"].upper(): b["author"] for b in books}
    sg = {
        a["metadata"]["name"]
        for a in authors
        if any(n["label"] == "Singaporeans" for n in a["nationalities"])
    }
    links = links[links.book_upper.isin(book_authors)]
    links["singaporean"] = links.book_upper.map(book_authors).isin(sg)
    return {"streams": streams, "movies": movies, "links": links}


def _upper(s: pd.Series) -> pd.Series:
    return s.str.upper().str.replace("\u2013", "-", regex=False)


def test_q1_percent_of_streamed_movies_based_on_books(answers: dict, frames: dict) -> None:
    streamed = set(_upper(frames["streams"].movie_title))
    based = set(_upper(frames["links"].movie_upper)) & streamed
    expected = round(100 * len(based) / len(streamed), 2)
    assert answers["q1"]["answer"] == pytest.approx(expected)
    assert answers["q1"]["unit"] == "percent"


def test_q2_users_affected_by_unforgiven_outage(answers: dict, frames: dict) -> None:
    s = frames["streams"]
    lo, hi = pd.Timestamp("2021-12-25 07:00"), pd.Timestamp("2021-12-25 12:00")
    hit = s[(s.movie_title == "Unforgiven") & (s.start_at_local < hi) & (s.end_at_local > lo)]
    assert answers["q2"]["answer"] == hit.user_email.nunique()
    assert hit.user_email.nunique() > 0


def test_q3_movies_from_singaporean_books(answers: dict, frames: dict) -> None:
    streamed = set(_upper(frames["streams"].movie_title))
    links = frames["links"]
    expected = set(_upper(links[links.singaporean].movie_upper)) & streamed
    assert answers["q3"]["answer"] == len(expected)


def test_q4_average_duration_minutes(answers: dict, frames: dict) -> None:
    s = frames["streams"]
    expected = ((s.end_at_local - s.start_at_local).dt.total_seconds() / 60).mean()
    assert answers["q4"]["answer"] == pytest.approx(round(expected, 2))
    assert answers["q4"]["unit"] == "minutes"


def test_q5_median_size_gb(answers: dict, frames: dict) -> None:
    expected = frames["streams"].size_mb.median() / 1000
    assert answers["q5"]["answer"] == pytest.approx(round(expected, 5))
    assert "10^9" in str(answers["q5"]["unit"])


def test_q6_users_half_a_movie_in_last_week(answers: dict, frames: dict) -> None:
    s = frames["streams"].merge(frames["movies"], left_on="movie_title", right_on="title")
    week = s[
        (s.start_at_local >= pd.Timestamp("2021-12-25"))
        & (s.start_at_local < pd.Timestamp("2022-01-01"))
    ]
    watched = (week.end_at_local - week.start_at_local).dt.total_seconds() / 60
    expected = week[watched >= 0.5 * week.duration_mins].user_email.nunique()
    assert answers["q6"]["answer"] == expected


def test_every_answer_states_its_reading(answers: dict) -> None:
    assert sorted(answers) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    for value in answers.values():
        assert set(value) == {"question", "answer", "unit", "interpretation"}
        assert len(str(value["interpretation"])) > 60
