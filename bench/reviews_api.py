"""Bench the Reviews API: N generated reviews in Postgres (COPY), gunicorn, wrk from outside.

Targets (2 cores): >= 1,500 requests/s and p99 <= 25 ms for summaries.
Usage: uv run python bench/reviews_api.py [--rows 10000000] [--duration 15] [--workers 3]
The Postgres cluster and its data are kept in .riverbed/bench/reviews-<rows> for re-runs
(--fresh starts over). Needs `wrk` (Debian package) on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from riverbed.api.reviews._load import load_source
from riverbed.api.reviews._readers import Source
from riverbed.data.reviews import generate_reviews
from riverbed.local import LocalPostgres, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
LUA = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(math.floor(os.clock() * 1000000) + #paths)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
    .. '"max_us":%d,"errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000_000, help="generated reviews to load")
    p.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    p.add_argument("--connections", type=int, default=32, help="wrk connections")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument(
        "--light-connections", type=int, default=4, help="connections of the latency re-runs"
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    p.add_argument("--log-level", default="WARNING", help="API LOG_LEVEL (INFO logs each request)")
    p.add_argument("--fresh", action="store_true", help="drop the kept cluster and reload")
    return p.parse_args()


def _load(pg: LocalPostgres, rows: int) -> str:
    url = pg.url("reviews")
    with pg.connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'reviews'").fetchone()
    if exists:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM reviews").fetchone()
        if row and row[0] == rows:
            print(f"reusing {rows:,} loaded reviews")
            return url
    url = pg.create_database("reviews")
    done = [0]

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for i, row in enumerate(generate_reviews(rows, seed=0), 1):
            done[0] = i
            yield i, row

    started = time.monotonic()
    last = [started]

    def tick() -> None:
        now = time.monotonic()
        if now - last[0] > 15:
            last[0] = now
            print(f"  {done[0]:,} rows, {done[0] / (now - started):,.0f} rows/s", flush=True)

    source = Source("generated", records(), rows, "rows", lambda: done[0])
    result = load_source(source, url, tick=tick)
    took = time.monotonic() - started
    print(
        f"loaded {result.inserted:,} reviews with COPY in {took:.0f}s "
        f"({result.inserted / took:,.0f} rows/s, generation + validation included)"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE reviews")
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('reviews'))").fetchone()
    print(f"table + indexes: {size[0] if size else '?'}")
    return url


def _ids(url: str) -> tuple[list[str], list[str], int, int]:
    with psycopg.connect(url) as conn:
        products = [
            r[0]
            for r in conn.execute(
                'SELECT DISTINCT "productID" FROM reviews TABLESAMPLE SYSTEM (1) LIMIT 5000'
            )
        ]
        reviewers = [
            r[0]
            for r in conn.execute(
                'SELECT DISTINCT "reviewerID" FROM reviews TABLESAMPLE SYSTEM (1) LIMIT 5000'
            )
        ]
        lo, hi = conn.execute(
            'SELECT min("unixReviewTime"), max("unixReviewTime") FROM reviews'
        ).fetchone() or (0, 0)
    return products, reviewers, int(lo), int(hi)


def _paths(scope: str, ids: list[str], lo: int, hi: int, suffix: str, dated: bool) -> list[str]:
    rng = random.Random(42)
    out = []
    day = 86400
    for _ in range(5000):
        path = f"/{scope}/{rng.choice(ids)}/reviews{suffix}"
        if dated:
            start = lo + rng.randrange((hi - lo) // day) * day
            end = start + rng.randint(30, 3 * 365) * day
            fmt = "%Y-%m-%d"
            path += (
                f"?from={time.strftime(fmt, time.gmtime(start))}"
                f"&to={time.strftime(fmt, time.gmtime(end))}"
            )
        out.append(path)
    return out


def _gunicorn(url: str, args: argparse.Namespace, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_LEVEL": args.log_level,
        "RIVERBED_API_POOL_SIZE": str(max(2, args.threads)),
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "riverbed.api.wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "30",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)
    wait_for_port(port, timeout=60)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # workers import every plugin before answering
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    return proc, port


_TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(roots: list[int]) -> float:
    """Return CPU seconds (user + system) of these processes and their descendants (/proc)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    keep = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _cpu) in stats.items():
            if ppid in keep and pid not in keep:
                keep.add(pid)
                grew = True
    return sum(stats[p][1] for p in keep if p in stats)


def _wrk(
    port: int, paths: list[str], args: argparse.Namespace, tmp: Path, roots: list[int]
) -> dict[str, Any]:
    lua, listing = tmp / "paths.lua", tmp / "paths.txt"
    lua.write_text(LUA)
    listing.write_text("\n".join(paths) + "\n")
    cmd = [
        "wrk",
        "-t",
        str(args.wrk_threads),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--latency",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}",
        "--",
        str(listing),
    ]
    before = [_tree_cpu([r]) for r in roots]
    before_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    app_cpu, pg_cpu = (_tree_cpu([r]) - b for r, b in zip(roots, before, strict=True))
    wrk_cpu = (after_wrk.ru_utime + after_wrk.ru_stime) - (
        before_wrk.ru_utime + before_wrk.ru_stime
    )
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    res: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
    n = max(1, res["requests"])
    res["cpu_ms"] = 1000 * (app_cpu + pg_cpu + wrk_cpu) / n
    res["split"] = f"{1000 * app_cpu / n:.2f}/{1000 * pg_cpu / n:.2f}/{1000 * wrk_cpu / n:.2f}"
    return res


def _postmaster(pg: LocalPostgres) -> int:
    return int((pg.pgdata / "postmaster.pid").read_text().split()[0])


def main() -> None:
    """Load, serve, drive, print."""
    args = _args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    home = ROOT / ".riverbed" / "bench" / f"reviews-{args.rows}"
    if args.fresh and home.exists():
        LocalPostgres(home).destroy()
    pg = LocalPostgres(home, fast=True).start()
    server = None
    try:
        url = _load(pg, args.rows)
        products, reviewers, lo, hi = _ids(url)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            server, port = _gunicorn(url, args, tmp / "gunicorn.log")
            scenarios: list[tuple[str, str, list[str], str, bool]] = [
                ("product summary", "products", products, "/summary", False),
                ("product summary + dates", "products", products, "/summary", True),
                ("reviewer summary", "reviewers", reviewers, "/summary", False),
                ("reviewer summary + dates", "reviewers", reviewers, "/summary", True),
                ("product reviews page", "products", products, "", False),
                ("reviewer reviews page + dates", "reviewers", reviewers, "", True),
            ]
            roots = [server.pid, _postmaster(pg)]
            warm = argparse.Namespace(**{**vars(args), "duration": 3})
            _wrk(port, _paths("products", products, lo, hi, "/summary", False), warm, tmp, roots)
            print(
                f"\n{args.rows:,} reviews, {len(products):,} sampled products, "
                f"{len(reviewers):,} sampled reviewers; gunicorn {args.workers} workers x "
                f"{args.threads} threads, wrk {args.connections} connections, "
                f"{args.duration}s each, LOG_LEVEL={args.log_level}, {os.cpu_count()} cores "
                "(shared with other work)"
            )
            print(
                f"{'scenario':<36}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
                f"{'max ms':>9}{'errors':>8}{'CPU ms/req':>12}{'app/pg/wrk':>16}{'2-core req/s':>14}"
            )
            light = argparse.Namespace(**{**vars(args), "connections": args.light_connections})
            Run = tuple[str, argparse.Namespace, str, list[str], str, bool]
            runs: list[Run] = [(n, args, sc, i, sf, d) for n, sc, i, sf, d in scenarios]
            runs += [
                (f"{name} ({args.light_connections} conns)", light, scope, ids, suffix, dated)
                for name, scope, ids, suffix, dated in scenarios
                if "summary" in name
            ]
            for name, opts, scope, ids, suffix, dated in runs:
                r = _wrk(port, _paths(scope, ids, lo, hi, suffix, dated), opts, tmp, roots)
                print(
                    f"{name:<36}{r['rps']:>9,.0f}{r['p50_us'] / 1000:>9.2f}"
                    f"{r['p90_us'] / 1000:>9.2f}{r['p99_us'] / 1000:>9.2f}"
                    f"{r['max_us'] / 1000:>9.1f}{int(r['errors'] + r['non2xx']):>8}"
                    f"{r['cpu_ms']:>12.2f}{r['split']:>16}{2000 / r['cpu_ms']:>14,.0f}",
                    flush=True,
                )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pg.stop()


if __name__ == "__main__":
    main()
