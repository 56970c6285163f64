"""`riverbed reviews generate|load` from the command line, and the generator's guarantees."""

from __future__ import annotations

import gzip
import itertools
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from riverbed.core.cli import root
from riverbed.core.settings import normalize_database_url
from riverbed.data.reviews import generate_reviews, shape


def _count(url: str) -> int:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM reviews")).scalar_one())
    finally:
        engine.dispose()


def test_generate_then_load_twice(db_url: str, tmp_path: Path) -> None:
    """The commands report what they did; the second load inserts nothing."""
    runner = CliRunner()
    out = tmp_path / "r.jsonl.gz"
    res = runner.invoke(root, ["reviews", "generate", "--rows", "400", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for inserted, stored in (("400", "0"), ("0", "400")):
        res = runner.invoke(root, ["reviews", "load", "--from", str(out), "--to", db_url])
        assert res.exit_code == 0, res.output
        assert f"inserted {inserted}, already stored {stored}, bad 0" in res.output
    assert _count(db_url) == 400


def test_generate_straight_into_a_database(sqlite_url: str) -> None:
    """--to streams the generator through the loader."""
    res = CliRunner().invoke(root, ["reviews", "generate", "--rows", "250", "--to", sqlite_url])
    assert res.exit_code == 0, res.output
    assert _count(sqlite_url) == 250


def test_load_errors_are_clean(sqlite_url: str, tmp_path: Path) -> None:
    """A bad line or a missing file is an `Error:` naming it, exit 1, no traceback."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"reviewerID": "A1", "asin": "B1", "overall": 5, "unixReviewTime": 1}\n'
        '{"reviewerID": "A1", "asin": "B2", "overall": "x", "unixReviewTime": 1}\n'
    )
    runner = CliRunner()
    res = runner.invoke(root, ["reviews", "load", "--from", str(bad), "--to", sqlite_url])
    assert res.exit_code == 1
    assert f"{bad}:2:" in res.output and "'overall'" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(
        root, ["reviews", "load", "--from", str(tmp_path / "nope.json"), "--to", sqlite_url]
    )
    assert res.exit_code == 1 and "no such file" in res.output
    res = runner.invoke(root, ["reviews", "load", "--from", str(bad), "--to", "mysql://x"])
    assert res.exit_code == 1 and "--to must be" in res.output
    res = runner.invoke(root, ["reviews", "generate", "--rows", "5"])
    assert res.exit_code == 1 and "exactly one of --out" in res.output


def test_generator_is_deterministic_and_seeded(tmp_path: Path) -> None:
    """Same seed, same bytes; another seed, other rows."""
    runner = CliRunner()
    paths = [tmp_path / f"{i}.csv.gz" for i in range(3)]
    for path, seed in zip(paths, ("1", "1", "2"), strict=True):
        res = runner.invoke(
            root, ["reviews", "generate", "--rows", "300", "--seed", seed, "--out", str(path)]
        )
        assert res.exit_code == 0, res.output
    data = [gzip.decompress(p.read_bytes()) for p in paths]
    assert data[0] == data[1] != data[2]


def test_generator_keys_are_unique_and_shaped_like_the_5_core_data() -> None:
    """(product, reviewer, time) never repeats; ~11 reviews a product, ~7 a reviewer."""
    rows = list(generate_reviews(20_000, seed=3))
    keys = {(r["productID"], r["reviewerID"], r["unixReviewTime"]) for r in rows}
    assert len(keys) == len(rows)
    products, reviewers = shape(20_000)
    assert len({r["reviewerID"] for r in rows}) == reviewers
    assert 0.6 * products < len({r["productID"] for r in rows}) <= products
    ratings = [r["overall"] for r in rows]
    assert ratings.count(5.0) / len(rows) == pytest.approx(0.68, abs=0.03)


def test_generator_streams_any_size() -> None:
    """A billion-row generator yields its first rows at once (nothing is materialized)."""
    started = time.monotonic()
    first = list(itertools.islice(generate_reviews(1_000_000_000, seed=0), 1000))
    assert len(first) == 1000
    assert time.monotonic() - started < 5
