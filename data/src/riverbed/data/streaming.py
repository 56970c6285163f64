"""Deterministic generator of the streaming app's internal data and vendor full dumps.

Same seed and sizes give the same bytes; files stream out in blocks, so any size fits in flat
memory. Distributions follow the real December 2021 files: users and movies picked uniformly,
stream starts uniform over the month, durations uniform in [0, 24 h), stream size = movie size x
U(0, 1.6) (median ratio 0.8), movie durations 47-158 min and sizes 507-2381 MB. The quirks are
reproduced: offsets "+0100" without a colon, a blank placeholder nationality beside a plural
demonym, UPPERCASE review titles with an "end" sentinel movie, book pages "unknown" in reviews,
en-dash and WALL·E titles, ~5% of books by authors absent from authors.json, `created` after
`updated` in about half the reviews, and one nameless author. JSON dumps hold one object per
line inside the array, so `mutate_vendor_dump` can derive the next night's dump line by line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["StreamingSizes", "generate_streaming", "mutate_vendor_dump", "sizes_for_bytes"]

MONTH_START = np.datetime64("2021-12-01T00:00:00.000", "ms")
MONTH_MS = 31 * 24 * 3600 * 1000 - 2 * 3600 * 1000  # real data stops at 31 Dec ~22:00
_BLOCK = 200_000
_DEMONYMS = [
    "Singaporeans",
    "Armenians",
    "Danes",
    "Thais",
    "Japanese",
    "Kenyans",
    "Americans",
    "Poles",
    "Finns",
    "Scots",
    "Swiss",
    "Brazilians",
    "Indians",
    "Germans",
    "Italians",
    "Mexicans",
    "Moroccans",
    "Serbs",
    "Welsh",
    "Nepalese",
]
_LANGS = [
    "Thai",
    "Russian",
    "Hakka",
    "Zulu",
    "Italian",
    "German",
    "Japanese",
    "Marathi",
    "Tagalog",
    "Romanian",
    "English",
]
_WORDS = [
    "solitudo",
    "magnam",
    "vulpes",
    "aequitas",
    "vitium",
    "deputo",
    "adhuc",
    "velum",
    "cibus",
    "tum",
    "desino",
    "amor",
    "canis",
    "stella",
    "nox",
    "lux",
    "ventus",
    "terra",
    "mare",
    "ignis",
]
_FIRST = [
    "Josh",
    "Al",
    "Wilmer",
    "Garland",
    "Jeffrey",
    "Graciela",
    "Dorsey",
    "Alexa",
    "Edmundo",
    "Eddy",
    "Elvia",
    "Janet",
]
_LAST = [
    "Johnston",
    "Hamill",
    "Reichel",
    "Lynch",
    "Baumbach",
    "Kautzer",
    "Grant",
    "Dickinson",
    "Koss",
    "Kirlin",
    "Conn",
]
_SPECIAL_TITLES = ("Unforgiven", "WALL·E", "Star Wars: Episode II \u2013 Attack of the Clones")


@dataclass(frozen=True)
class StreamingSizes:
    """Row counts of every generated file."""

    users: int = 783
    movies: int = 91
    streams: int = 9652
    authors: int = 201
    books: int = 103
    reviews: int = 501


def sizes_for_bytes(target_bytes: int) -> StreamingSizes:
    """Return row counts for about `target_bytes` in all: half vendor dump, half streams."""
    streams = max(100, target_bytes // 2 // 125)
    reviews = max(50, int(target_bytes // 2 * 0.93 // 340))
    books = max(10, reviews // 5)
    return StreamingSizes(
        users=max(20, streams // 12),
        movies=max(20, reviews // 6),
        streams=streams,
        authors=max(10, books // 2),
        books=books,
        reviews=reviews,
    )


def _rng(seed: int, name: str, block: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{name}:{block}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _blocks(n: int) -> Iterator[tuple[int, int, int]]:
    for b, start in enumerate(range(0, n, _BLOCK)):
        yield b, start, min(n, start + _BLOCK)


def _movie_title(i: int) -> str:
    if i < len(_SPECIAL_TITLES):
        return _SPECIAL_TITLES[i]
    return f"{_WORDS[i % len(_WORDS)].title()} {_WORDS[(i // 7) % len(_WORDS)].title()} {i}"


def _email(i: int) -> str:
    return (
        f"{_FIRST[i % len(_FIRST)].lower()}.{_LAST[(i // 3) % len(_LAST)].lower()}{i}@example.com"
    )


def _author_name(i: int) -> str:
    return f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // 5) % len(_LAST)]} {i}"


@cache
def _ts_tables() -> tuple[list[str], list[str]]:
    """Return minute prefixes ("2021-12-06T19:30:") for 33 days and "SS.mmm+0100" suffixes."""
    minutes = MONTH_START + np.arange(33 * 24 * 60).astype("timedelta64[m]")
    prefixes = [t[:17] for t in np.datetime_as_string(minutes, unit="m").tolist()]
    prefixes = [p + ":" if len(p) == 16 else p for p in prefixes]
    suffixes = [f"{s:02d}.{m:03d}+0100" for s in range(60) for m in range(1000)]
    return prefixes, suffixes


def _ts(ms: np.ndarray) -> list[str]:
    """Format offsets (ms from 1 Dec 2021, local time) like the real files (+0100)."""
    prefixes, suffixes = _ts_tables()
    minute, rest = np.divmod(ms, 60_000)
    return [prefixes[a] + suffixes[b] for a, b in zip(minute.tolist(), rest.tolist(), strict=True)]


def _movies_meta(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(seed, "movies", 0)
    return rng.integers(47, 159, n), rng.integers(507, 2382, n)


def _write_internal(out: Path, sizes: StreamingSizes, seed: int) -> None:
    with (out / "users.csv").open("w", encoding="utf-8") as fh:
        fh.write("first_name,last_name,email\n")
        for i in range(sizes.users):
            fh.write(f"{_FIRST[i % len(_FIRST)]},{_LAST[(i // 3) % len(_LAST)]},{_email(i)}\n")
    durations, msizes = _movies_meta(seed, sizes.movies)
    with (out / "movies.csv").open("w", encoding="utf-8") as fh:
        fh.write("title,duration_mins,original_language,size_mb\n")
        for i in range(sizes.movies):
            title = _movie_title(i)
            title = f'"{title}"' if "," in title else title
            fh.write(f"{title},{durations[i]},{_LANGS[i % len(_LANGS)]},{msizes[i]}\n")
    titles = [_movie_title(i) for i in range(sizes.movies)]
    emails = [_email(i) for i in range(sizes.users)]
    with (out / "streams.csv").open("w", encoding="utf-8") as fh:
        fh.write("movie_title,user_email,size_mb,start_at,end_at\n")
        for b, lo, hi in _blocks(sizes.streams):
            rng = _rng(seed, "streams", b)
            n = hi - lo
            movie = rng.integers(0, sizes.movies, n)
            user = rng.integers(0, sizes.users, n)
            start = rng.integers(0, MONTH_MS, n)
            end = start + rng.integers(0, 24 * 3600 * 1000, n)
            size = (msizes[movie] * rng.uniform(0.0, 1.6, n)).tolist()
            lines = [
                f"{titles[m]},{emails[u]},{s!r},{a},{e}\n"
                for m, u, s, a, e in zip(
                    movie.tolist(), user.tolist(), size, _ts(start), _ts(end), strict=True
                )
            ]
            fh.write("".join(lines))


def _write_array(path: Path, objects: Iterator[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        first = True
        for obj in objects:
            fh.write(obj if first else ",\n" + obj)
            first = False
        fh.write("\n]\n")


def _authors(sizes: StreamingSizes, seed: int) -> Iterator[str]:
    rng = _rng(seed, "authors", 0)
    births = rng.integers(1930, 2000, sizes.authors)
    for i in range(sizes.authors - 1):
        label = _DEMONYMS[i % len(_DEMONYMS)]
        nat = f'{{"id":null,"label":"{label}","slug":"{label.lower()}"}}'
        blank = '{"id":null,"label":"","slug":null}'
        pair = f"{blank},{nat}" if i % 2 else f"{nat},{blank}"
        died = f'"{births[i] + 70}-01-01T00:00:00.000+0000"' if i % 9 else "null"
        yield (
            f'{{"metadata":{{"name":"{_author_name(i)}","birth_date":'
            f'"{births[i]}-05-07T00:00:00.000+0000","died_at":{died}}},"nationalities":[{pair}]}}'
        )
    yield (
        '{"metadata":{"name":null,"birth_date":null,"died_at":null},"nationalities":['
        '{"id":null,"label":"","slug":null},{"id":null,"label":"unknown","slug":null}]}'
    )


def _book_title(i: int) -> str:
    return f"The {_WORDS[i % len(_WORDS)].title()} of {_WORDS[(i // 3) % len(_WORDS)].title()} {i}"


def _books(sizes: StreamingSizes, seed: int) -> Iterator[str]:
    rng = _rng(seed, "books", 0)
    pages = rng.integers(50, 9999, sizes.books)
    author = rng.integers(0, sizes.authors - 1, sizes.books)
    for i in range(sizes.books):
        # ~5% of books are by authors the vendor left out of authors.json.
        name = _author_name(sizes.authors + i) if i % 20 == 7 else _author_name(int(author[i]))
        yield (
            f'{{"name":"{_book_title(i)}","pages":{pages[i]},"author":"{name}",'
            f'"publisher":"Harcourt {i % 17}"}}'
        )


def _reviews(sizes: StreamingSizes, seed: int) -> Iterator[str]:
    labels = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
    for b, lo, hi in _blocks(sizes.reviews):
        rng = _rng(seed, "reviews", b)
        n = hi - lo
        book = rng.integers(0, sizes.books, n).tolist()
        # Half the reviewed movies are in the catalogue, half are titles we do not stream.
        movie = rng.integers(0, sizes.movies * 2, n).tolist()
        rate = rng.integers(1, 6, n).tolist()
        words = rng.integers(0, len(_WORDS), (n, 6)).tolist()
        # Golden-ratio stride coprime with the month: distinct, evenly spread instants.
        created = _ts(np.arange(lo, hi, dtype=np.int64) * 1_650_892_391 % MONTH_MS)
        updated = _ts(rng.integers(0, MONTH_MS, n))
        for k in range(n):
            w = [_WORDS[x] for x in words[k]]
            text = f"{w[0].title()} {w[1]} {w[2]}. {w[3].title()} {w[4]} {w[5]}."
            mt = _movie_title(movie[k]).upper()
            pair = (
                f'{{"id":0,"title":"{mt}"}},{{"id":0,"title":"end"}}'
                if k % 2
                else f'{{"id":0,"title":"end"}},{{"id":0,"title":"{mt}"}}'
            )
            yield (
                f'{{"content":{{"text":"{text}"}},"rating":{{"rate":{rate[k]},'
                f'"label":"{labels[rate[k] - 1]}"}},"books":[{{"id":null,"metadata":'
                f'{{"title":"{_book_title(book[k]).upper()}","pages":"unknown"}}}}],'
                f'"movies":[{pair}],"updated":"{updated[k]}","created":"{created[k]}"}}'
            )


def generate_streaming(out_dir: Path, sizes: StreamingSizes | None = None, seed: int = 0) -> Path:
    """Write internal/ (users, movies, streams CSV) and vendor/ (JSON dumps) under `out_dir`."""
    sizes = sizes or StreamingSizes()
    internal, vendor = Path(out_dir) / "internal", Path(out_dir) / "vendor"
    internal.mkdir(parents=True, exist_ok=True)
    vendor.mkdir(parents=True, exist_ok=True)
    _write_internal(internal, sizes, seed)
    _write_array(vendor / "authors.json", _authors(sizes, seed))
    _write_array(vendor / "books.json", _books(sizes, seed))
    _write_array(vendor / "reviews.json", _reviews(sizes, seed))
    return Path(out_dir)


_EDITS = {
    "reviews.json": (re.compile(r'"text":"'), '"text":"Edited. '),
    "books.json": (re.compile(r'"publisher":"'), '"publisher":"Reissued '),
    "authors.json": (
        re.compile(r'"died_at":(null|"[^"]*")'),
        '"died_at":"2021-12-30T00:00:00.000+0000"',
    ),
}


def _mutated(
    path: Path,
    edit: tuple[re.Pattern[str], str],
    rng: np.random.Generator,
    rates: tuple[float, float],
    counts: dict[str, int],
) -> Iterator[str]:
    """Yield the objects of one dump, dropping `delete` and editing `update` of them."""
    update, delete = rates
    pattern, repl = edit
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n").removesuffix(",")
            if line in ("[", "]") or not line:
                continue
            counts["records"] += 1
            roll = rng.random()
            if roll < delete:
                counts["deleted"] += 1
                continue
            if roll < delete + update:
                counts["updated"] += 1
                line = pattern.sub(repl, line, count=1)
            yield line


def mutate_vendor_dump(
    src: Path, dst: Path, *, update: float = 0.01, delete: float = 0.005, seed: int = 1
) -> dict[str, dict[str, int]]:
    """Derive the next night's vendor dump: edit `update` and drop `delete` of every file's records."""
    dst.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    for name, edit in _EDITS.items():
        counts[name] = {"updated": 0, "deleted": 0, "records": 0}
        rng = _rng(seed, "mutate:" + name, 0)
        _write_array(dst / name, _mutated(src / name, edit, rng, (update, delete), counts[name]))
    return counts
