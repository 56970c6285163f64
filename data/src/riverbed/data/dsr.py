"""Deterministic generator of DSR files shaped like the real Spotify samples, at any size.

Same seed, name and size give the same bytes. Lines stream out in blocks, so memory stays
flat. Like the real files: gzip, CRLF, a header, 30-letter dsp_ids, pipe-separated artists,
empty title/artists/isrc (~4%), usages (~1%) and revenue (~2%), decimals with up to 13
places, magnitudes from 1e-16 to 1e15, an occasional revenue in scientific notation, and a
share of dsp_ids common to every generated file (with their own title where `variant` differs).
"""

from __future__ import annotations

import gzip
import random
import string
from collections.abc import Iterator
from pathlib import Path

__all__ = ["HEADER", "dsp_id", "dsr_file_name", "generate_lines", "write_dsr"]

HEADER = "dsp_id\ttitle\tartists\tisrc\tusages\trevenue"
_LETTERS = string.ascii_letters
_WORDS = [
    "accept",
    "media",
    "think",
    "her",
    "music",
    "idea",
    "write",
    "early",
    "figure",
    "color",
    "then",
    "partner",
    "staff",
    "without",
    "state",
    "ever",
    "doctor",
    "choose",
    "city",
    "past",
    "all",
    "between",
    "life",
    "want",
    "actually",
    "book",
    "season",
    "hot",
    "rate",
    "although",
    "sometimes",
    "experience",
    "operation",
    "yes",
    "himself",
    "heart",
    "perhaps",
    "take",
    "blood",
    "provide",
    "commercial",
    "production",
    "free",
    "small",
    "specific",
    "condition",
]
_FIRST = [
    "Breanna",
    "Rebecca",
    "Garrett",
    "Laurie",
    "Ethan",
    "Brian",
    "Henry",
    "Ronald",
    "Cristian",
    "Lisa",
    "Holly",
    "Linda",
    "Hunter",
    "Richard",
    "David",
    "Brenda",
    "Robin",
    "Matthew",
    "Haley",
    "Andrew",
    "Chelsea",
    "Thomas",
    "Kevin",
    "Derrick",
    "Erin",
    "Zachary",
    "Sharon",
    "Karen",
    "Melissa",
    "Colin",
    "Randy",
]
_LAST = [
    "Moran",
    "Dickerson",
    "Porter",
    "Moore",
    "Carter",
    "Arellano",
    "Estes",
    "Medina",
    "Best",
    "Woods",
    "Spears",
    "Conrad",
    "Phillips",
    "Leon",
    "Bond",
    "Williams",
    "Anderson",
    "Ford",
    "Carson",
    "Black",
    "Oconnell",
    "Wheeler",
    "Green",
    "Frazier",
    "Fowler",
    "Wilson",
    "Nguyen",
    "Bowen",
    "Ruiz",
    "Mitchell",
    "Russo",
]


_PAIRS = [a + b for a in _LETTERS for b in _LETTERS]


def dsp_id(index: int, salt: int = 0) -> str:
    """Return the 30-letter dsp_id of `index` (unique per index and salt)."""
    x = (index * 0x9E3779B97F4A7C15 + salt * 0xC2B2AE3D27D4EB4F + 0x165667B19E3779F9) % 2**64
    y = (index * 0xD6E8FEB86659FD93 + salt + 0x2545F4914F6CDD1D) % 2**64
    parts = []
    for _ in range(6):  # 12 letters from x
        x, r = divmod(x, 2704)
        parts.append(_PAIRS[r])
    for _ in range(5):  # 10 letters from y
        y, r = divmod(y, 2704)
        parts.append(_PAIRS[r])
    n = index  # 8 letters spelling the index: unique
    for _ in range(4):
        n, r = divmod(n, 2704)
        parts.append(_PAIRS[r])
    return "".join(parts)


def dsr_file_name(dsp: str, model: str, territory: str, currency: str, start: str, end: str) -> str:
    """Build a DSR file name: <DSP>_<model>_<TERR>_<CUR>_<YYYYMMDD>-<YYYYMMDD>.tsv.gz."""
    return f"{dsp}_{model}_{territory}_{currency}_{start}-{end}.tsv.gz"


def _revenue(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.0005:
        return f"{rng.uniform(1, 9):.15e}".replace("e-0", "e-").replace("e+0", "e+")
    exponent = rng.randint(-2, 14)
    value = rng.random() * 10**exponent
    return f"{value:.{rng.randint(1, 13)}f}" if value < 1e12 else f"{value:.1f}"


def _pools(seed: int) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    titles = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))) for _ in range(4096)]
    artists = [
        "|".join(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randint(1, 5)))
        for _ in range(4096)
    ]
    isrcs = [
        "".join(rng.choice(string.ascii_uppercase) for _ in range(5))
        + str(rng.randint(10**6, 10**7 - 1))
        for _ in range(4096)
    ]
    return titles, artists, isrcs


def generate_lines(
    lines: int,
    *,
    seed: int = 0,
    salt: int = 1,
    shared: float = 0.02,
    variant: int = 0,
    fresh: float = 0.0,
    fresh_salt: int = 0,
) -> Iterator[str]:
    """Yield `lines` data lines (no header, no line ending).

    `fresh` > 0 gives that share of the unshared lines (spread evenly) new dsp_ids drawn with
    `fresh_salt`, the rest keep those of `salt`: the next period of the same catalogue.
    """
    rng = random.Random(seed * 7919 + salt)
    cut = int(fresh * 1_000_003)
    titles, artists, isrcs = _pools(seed)
    shared_n = int(lines * shared)
    rand, bits = rng.random, rng.getrandbits
    for i in range(lines):
        if i < shared_n:  # the same resource in every file: metadata derived from the index
            ident = dsp_id(i, 0)
            k = (i * 2654435761) % 4096
            title, artist, isrc = titles[k], artists[(k * 31) % 4096], isrcs[(k * 17) % 4096]
            if variant and i % 7 == 0:
                title = f"{title} (version {variant})"
        else:
            renewed = fresh and (i * 2654435761) % 1_000_003 < cut
            ident = dsp_id(i, fresh_salt if renewed else salt)
            title, artist, isrc = titles[bits(12)], artists[bits(12)], isrcs[bits(12)]
        roll = rand()
        if roll < 0.125:
            if roll < 0.045:
                title = ""
            elif roll < 0.085:
                artist = ""
            else:
                isrc = ""
        usages = "" if rand() < 0.011 else str(bits(20) % 998_536 + 439)
        revenue = "" if rand() < 0.019 else _revenue(rng)
        yield f"{ident}\t{title}\t{artist}\t{isrc}\t{usages}\t{revenue}"


def write_dsr(
    path: Path,
    lines: int,
    *,
    seed: int = 0,
    salt: int = 1,
    shared: float = 0.02,
    variant: int = 0,
    fresh: float = 0.0,
    fresh_salt: int = 0,
    compresslevel: int = 1,
    block: int = 10_000,
) -> Path:
    """Write a gzip DSR with CRLF line endings to `path`, streaming in blocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = generate_lines(
        lines,
        seed=seed,
        salt=salt,
        shared=shared,
        variant=variant,
        fresh=fresh,
        fresh_salt=fresh_salt,
    )
    with gzip.GzipFile(path, "wb", compresslevel=compresslevel, mtime=0) as out:
        out.write((HEADER + "\r\n").encode())
        buf: list[str] = []
        for line in gen:
            buf.append(line)
            if len(buf) >= block:
                out.write(("\r\n".join(buf) + "\r\n").encode())
                buf.clear()
        if buf:
            out.write(("\r\n".join(buf) + "\r\n").encode())
    return path
