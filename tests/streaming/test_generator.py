"""The streaming generator: deterministic, real quirks, loads cleanly, night-2 mutations."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from riverbed.data.streaming import StreamingSizes, generate_streaming, mutate_vendor_dump
from riverbed.ingestor.streaming import load
from tests.streaming.conftest import rows

SMALL = StreamingSizes(users=50, movies=30, streams=2000, authors=40, books=30, reviews=300)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.*")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_deterministic_and_shaped_like_the_real_files(tmp_path: Path) -> None:
    a = generate_streaming(tmp_path / "a", SMALL, seed=3)
    b = generate_streaming(tmp_path / "b", SMALL, seed=3)
    c = generate_streaming(tmp_path / "c", SMALL, seed=4)
    assert _digest(a) == _digest(b) != _digest(c)
    reviews = json.loads((a / "vendor" / "reviews.json").read_text(encoding="utf-8"))
    authors = json.loads((a / "vendor" / "authors.json").read_text(encoding="utf-8"))
    assert len(reviews) == 300 and len(authors) == 40
    assert all(sum(m["title"] == "end" for m in r["movies"]) == 1 for r in reviews)
    assert all(r["books"][0]["metadata"]["pages"] == "unknown" for r in reviews)
    assert 0.3 < sum(r["created"] > r["updated"] for r in reviews) / 300 < 0.7
    assert all(any(n["label"] == "" for n in x["nationalities"]) for x in authors)
    lines = (a / "internal" / "streams.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2001 and lines[1].endswith("+0100")


def test_generated_nights_load_with_expected_changes(tmp_path: Path) -> None:
    data = generate_streaming(tmp_path / "g", SMALL)
    counts = mutate_vendor_dump(data / "vendor", data / "night2", update=0.05, delete=0.05)
    wh = tmp_path / "wh.duckdb"
    first = load(data / "internal", data / "vendor", date(2021, 12, 31), wh)
    assert first.by_name("streams").rejected == 0
    assert first.by_name("reviews").rejected == 0
    assert first.by_name("authors").rejected == 1  # the nameless author, as in the real dump
    second = load(data / "internal", data / "night2", date(2022, 1, 1), wh)
    got = second.by_name("reviews").changes
    assert got["deleted"] == counts["reviews.json"]["deleted"]
    assert got["changed"] == counts["reviews.json"]["updated"]
    assert rows(wh, "SELECT count(*) FROM dim_review WHERE is_deleted") == [(got["deleted"],)]
