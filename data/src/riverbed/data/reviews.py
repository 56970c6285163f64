"""Deterministic generator of Amazon-style reviews in the exercise's `reviews` schema.

Same seed and size give the same rows. Any size streams in constant memory. About 11 reviews
per product (mildly skewed towards popular products) and 7 per reviewer, like the 5-core data;
no reviewer reviews twice on the same day, so (productID, reviewerID, unixReviewTime) is unique.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

__all__ = [
    "COLUMNS",
    "dump_record",
    "generate_reviews",
    "product_id",
    "reviewer_id",
    "shape",
    "write_reviews",
]

COLUMNS = (
    "level_0",
    "index",
    "overall",
    "verified",
    "reviewTime",
    "reviewerID",
    "productID",
    "reviewerName",
    "reviewText",
    "summary",
    "unixReviewTime",
    "vote",
)
_START = int(datetime(2004, 9, 18, tzinfo=UTC).timestamp())
_SPAN_DAYS = 3595  # to 2014-07-22, coprime with _DAY_STEP
_DAY_STEP = 13
_RATING_CUT = (0.021, 0.045, 0.120, 0.323)  # P(<=1), P(<=2), ... as in the 5-core data
_WORDS = [
    "guitar",
    "strings",
    "tone",
    "sound",
    "bass",
    "amp",
    "pedal",
    "cable",
    "tuner",
    "capo",
    "pick",
    "strap",
    "mic",
    "stand",
    "case",
    "great",
    "good",
    "solid",
    "cheap",
    "sturdy",
    "bright",
    "warm",
    "noisy",
    "quiet",
    "clean",
    "crisp",
    "works",
    "fine",
    "love",
    "recommend",
    "price",
    "quality",
    "value",
    "broke",
    "returned",
    "easy",
    "setup",
    "studio",
    "stage",
    "practice",
    "band",
    "drum",
    "keyboard",
    "ukulele",
    "violin",
    "reeds",
    "picks",
    "knobs",
    "jack",
    "plug",
    "battery",
    "power",
    "hum",
    "buzz",
    "perfect",
    "decent",
    "excellent",
    "poor",
    "better",
    "worse",
    "small",
    "heavy",
    "light",
    "long",
    "short",
    "durable",
]
_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Robin",
    "Chris",
    "Pat",
    "Lee",
    "Dana",
    "Kim",
    "Max",
    "Jess",
    "Toni",
    "Drew",
    "Kai",
    "Noor",
    "Ada",
    "Ivo",
    "Lena",
    "Omar",
    "Ravi",
    "Sofia",
    "Yuki",
    "Zoe",
    "Hugo",
    "Ines",
]
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def shape(rows: int) -> tuple[int, int]:
    """Return (products, reviewers) for a dataset of `rows` reviews."""
    return max(1, rows // 11), max(1, rows // 7)


def _b36(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, d = divmod(n, 36)
        out.append(_B36[d])
    return "".join(reversed(out))


def product_id(p: int) -> str:
    """Return the ASIN-like id of product number `p` (a bijection on 36**9)."""
    return "B" + _b36((p * 60_017_301_893_149 + 12_345) % 36**9, 9)


def reviewer_id(r: int) -> str:
    """Return the reviewer id of reviewer number `r` (a bijection on 36**13)."""
    return "A" + _b36((r * 96_557_826_143_475_911_113 + 98_765) % 36**13, 13)


def _pools(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed * 7 + 1)
    texts = [
        " ".join(rng.choices(_WORDS, k=rng.randint(8, 40))).capitalize() + "." for _ in range(4096)
    ]
    summaries = [
        " ".join(rng.choices(_WORDS, k=rng.randint(2, 5))).capitalize() for _ in range(1024)
    ]
    return texts, summaries


def generate_reviews(rows: int, *, seed: int = 0) -> Iterator[dict[str, Any]]:
    """Yield `rows` reviews (exercise schema, `level_0` = `index` = row number)."""
    if rows < 0:
        raise ValueError("rows must be >= 0")
    products, reviewers = shape(rows)
    texts, summaries = _pools(seed)
    rng = random.Random(seed)
    bits = rng.getrandbits
    for i in range(rows):
        r, k = i % reviewers, i // reviewers
        x = bits(64)
        u = (x & 0xFFFFFFFF) / 2**32
        p = min(products - 1, int(products * u**1.5))
        day = (r * 2_654_435_761 + k * _DAY_STEP + seed * 7_919) % _SPAN_DAYS
        ts = _START + day * 86400
        when = datetime.fromtimestamp(ts, UTC)
        v = ((x >> 32) & 0xFFFF) / 65536
        rating = 1 + sum(v > c for c in _RATING_CUT)
        w = (x >> 48) & 0xFF
        verified = None if w < 8 else w >= 40
        z = (x >> 56) & 0xFF
        vote = None if z < 180 else f"{(z - 179) * (40 if z > 250 else 1):,}"
        yield {
            "level_0": i,
            "index": i,
            "overall": float(rating),
            "verified": verified,
            "reviewTime": f"{when.month:02d} {when.day}, {when.year}",
            "reviewerID": reviewer_id(r),
            "productID": product_id(p),
            "reviewerName": None
            if r % 397 == 0
            else f"{_NAMES[r % len(_NAMES)]} {_B36[10 + r // len(_NAMES) % 26]}.",
            "reviewText": texts[(x >> 20) & 4095],
            "summary": summaries[(x >> 8) & 1023],
            "unixReviewTime": ts,
            "vote": vote,
        }


def dump_record(row: dict[str, Any]) -> dict[str, Any]:
    """Return a row as a line of Amazon's JSON dump (asin; vote and verified when known)."""
    rec: dict[str, Any] = {
        "overall": row["overall"],
        "reviewTime": row["reviewTime"],
        "reviewerID": row["reviewerID"],
        "asin": row["productID"],
        "reviewText": row["reviewText"],
        "summary": row["summary"],
        "unixReviewTime": row["unixReviewTime"],
    }
    if row["verified"] is not None:
        rec["verified"] = row["verified"]
    if row["reviewerName"] is not None:
        rec["reviewerName"] = row["reviewerName"]
    if row["vote"] is not None:
        rec["vote"] = row["vote"]
    return rec


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(
            gzip.open(path, "wb", compresslevel=3), encoding="utf-8", newline=""
        )
    return path.open("w", encoding="utf-8", newline="")


def write_reviews(path: Path, rows: int, *, seed: int = 0) -> int:
    """Write a JSON-lines dump (.json/.jsonl) or a CSV export (.csv), optionally .gz."""
    name = path.name.removesuffix(".gz")
    with _open_text(path) as out:
        if name.endswith(".csv"):
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for row in generate_reviews(rows, seed=seed):
                writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        elif name.endswith((".json", ".jsonl", ".ndjson")):
            for row in generate_reviews(rows, seed=seed):
                out.write(json.dumps(dump_record(row)) + "\n")
        else:
            raise ValueError(f"{path}: use a .json, .jsonl or .csv name (optionally .gz)")
    return rows
