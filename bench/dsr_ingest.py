"""Benchmark DSR ingestion: generated DSRs into Postgres (importer vs bare COPY) and DuckDB.

    uv run python bench/dsr_ingest.py                 # 10 million lines
    uv run python bench/dsr_ingest.py --lines 100000000
    uv run python bench/dsr_ingest.py --lines 1000000 --small 100000
    uv run python bench/dsr_ingest.py --repeat 0            # worst case only (all dsp_ids new)

Prints lines/s of `import_dsr` into a fresh embedded Postgres, the rate of a bare COPY of the
same decompressed data into an index-free table (the ceiling) and the ratio, DuckDB's own
reader into a table, and the importer's peak RSS at two file sizes (it must not grow).

The big file's dsp_ids are all new (worst case). With --repeat R (default 0.9) a second file of
the same size for the next period follows, in which a share R of the lines repeat the big
file's dsp_ids, as real DSRs do month to month; its rate is reported too.

Server settings are passed on the postgres command line (ALTER SYSTEM loses to it) and the
effective values are printed with SHOW.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_TUNED = [
    "shared_buffers=2GB",
    "max_wal_size=16GB",
    "checkpoint_timeout=30min",
    "wal_compression=off",  # full-page images of index builds: compressing them cost 2x
    "work_mem=256MB",
    "maintenance_work_mem=1GB",
]
_NAME = "Spotify_SpotifyPremium_ES_EUR_{start}-{end}.tsv.gz"


def _file(cache: Path, lines: int, period: tuple[str, str], repeat: float | None = None) -> Path:
    """Generate (once) the bench file of `lines` lines for `period`.

    With `repeat`, the file is the next period of the file of the same size: that share of its
    lines repeat its dsp_ids (2 % of the lines are shared by every generated file anyway).
    """
    from riverbed.data.dsr import write_dsr

    folder = f"{lines}" if repeat is None else f"{lines}-repeat{repeat:g}"
    path = cache / folder / _NAME.format(start=period[0], end=period[1])
    if not path.exists():
        started = time.perf_counter()
        print(f"generating {lines:,} lines into {path} ...", flush=True)
        tmp = path.with_suffix(".part")
        if repeat is None:
            write_dsr(tmp, lines, seed=42, salt=lines)
        else:
            fresh = (1 - repeat) / (1 - 0.02)
            write_dsr(tmp, lines, seed=42, salt=lines, variant=1, fresh=fresh, fresh_salt=-lines)
        tmp.rename(path)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _worker(url: str, path: str) -> None:
    """Import one file in this (child) process and print time and peak RSS as JSON."""
    import logging

    from riverbed.core.web._db import make_engine
    from riverbed.ingestor.dsr import import_dsr

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="  %(message)s")
    engine = make_engine(url)
    started = time.perf_counter()
    result = import_dsr(engine, Path(path))
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "lines": result.lines_ingested,
                "status": result.status,
                "error": result.error,
                "peak_rss_mb": peak_mb,
            }
        )
    )


def _import(url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    for line in out.stderr.splitlines():
        if "key_and_attach" in line:
            print(f"  {path.name.split('_')[-1]} phases: {line.split(': ', 1)[-1]}", flush=True)
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    if data["status"] != "ingested":
        raise SystemExit(f"import failed: {data['error']}")
    return data


def _show(admin_connect: Callable[[str], Any], names: list[str]) -> str:
    with admin_connect("postgres") as conn:
        return " ".join(f"{n}={conn.execute(f'SHOW {n}').fetchone()[0]}" for n in names)


def _bare_copy(admin_connect: Callable[[str], Any], plain: Path) -> float:
    with admin_connect("bench") as conn:
        conn.execute("DROP TABLE IF EXISTS bare")
        conn.execute(
            "CREATE TABLE bare (dsp_id text, title text, artists text, isrc text, "
            "usages bigint, revenue numeric)"
        )
        started = time.perf_counter()
        copy = "COPY bare FROM STDIN (FORMAT text, NULL '')"
        with conn.cursor() as cur, cur.copy(copy) as cp, plain.open("rb") as fh:
            fh.readline()
            while block := fh.read(1 << 20):
                cp.write(block)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bare")
    return elapsed


def _duckdb(path: Path, lines: int) -> float:
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        started = time.perf_counter()
        con.execute(
            "CREATE TABLE usage AS SELECT * FROM read_csv(?, delim='\t', header=true, quote='', "
            "escape='', columns={'dsp_id':'VARCHAR','title':'VARCHAR','artists':'VARCHAR',"
            "'isrc':'VARCHAR','usages':'BIGINT','revenue':'DOUBLE'})",
            [str(path)],
        )
        elapsed = time.perf_counter() - started
        (count,) = con.execute("SELECT count(*) FROM usage").fetchone()  # type: ignore[misc]
        con.close()
    assert count == lines, (count, lines)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lines", type=int, default=10_000_000, help="lines of the big DSR (100000000 for 100M)"
    )
    parser.add_argument(
        "--small", type=int, default=1_000_000, help="lines of the small DSR (RSS comparison)"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "riverbed-bench-dsr"
    )
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=None,
        metavar="NAME=VALUE",
        help="server setting for bulk loads (repeatable; default: " + " ".join(_TUNED) + ")",
    )
    parser.add_argument("--untuned", action="store_true", help="keep the embedded defaults")
    parser.add_argument(
        "--repeat",
        type=float,
        default=0.9,
        help="share of the big file's dsp_ids repeated by a next-period file (0: skip it)",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return

    from riverbed.core.migrations import upgrade
    from riverbed.local import LocalPostgres

    print(f"cores: {os.cpu_count()}  lines: {args.lines:,} (small: {args.small:,})", flush=True)
    small = _file(args.cache, args.small, ("20200101", "20200131"))
    big = _file(args.cache, args.lines, ("20200201", "20200229"))
    nxt = (
        _file(args.cache, args.lines, ("20200301", "20200331"), args.repeat)
        if args.repeat
        else None
    )
    settings = [] if args.untuned else (args.pg_setting or _TUNED)
    server = dict(item.split("=", 1) for item in settings)
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        pg = LocalPostgres(Path(tmp), settings=server).start()
        shown = _show(pg.connect, sorted({"shared_buffers", "temp_buffers", "work_mem", *server}))
        print(f"postgres settings (effective): {shown}", flush=True)
        try:
            url = pg.create_database("bench")
            upgrade(url)
            s = _import(url, small)
            b = _import(url, big)
            r = _import(url, nxt) if nxt else None
            plain = Path(tmp) / "plain.tsv"
            with gzip.open(big, "rb") as src, plain.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            bare = _bare_copy(pg.connect, plain)
            plain.unlink()
        finally:
            pg.destroy()
    rate = args.lines / b["seconds"]
    bare_rate = args.lines / bare
    print(
        f"postgres import   : {rate:12,.0f} lines/s  ({b['seconds']:.1f} s for {args.lines:,} lines)"
    )
    print(
        f"postgres bare COPY: {bare_rate:12,.0f} lines/s  ({bare:.1f} s, decompressed file, no index)"
    )
    print(f"ratio             : {rate / bare_rate:12.0%}")
    if r is not None:
        r_rate = args.lines / r["seconds"]
        print(
            f"import, {args.repeat:.0%} repeat: {r_rate:12,.0f} lines/s  ({r['seconds']:.1f} s; "
            f"ratio to bare COPY {r_rate / bare_rate:.0%})"
        )
    print(
        f"peak RSS importer : {s['peak_rss_mb']:8.0f} MB at {args.small:,} lines, "
        f"{b['peak_rss_mb']:.0f} MB at {args.lines:,} lines"
        + (f", {r['peak_rss_mb']:.0f} MB repeat" if r is not None else "")
    )
    if not args.no_duckdb:
        d = _duckdb(big, args.lines)
        print(f"duckdb read_csv   : {args.lines / d:12,.0f} lines/s  ({d:.1f} s)")


if __name__ == "__main__":
    main()
