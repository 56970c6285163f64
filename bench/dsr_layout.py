"""Benchmark the DSR layout for 10^9 usages on its own: one usage partition, dsp_id inline.

    uv run python bench/dsr_layout.py [--lines 10000000]

The experiment that chose the importer's layout (migration dsr_0002). The importer then
resolved every line to a row of a global `dsr_resource` table, so each new dsp_id inserted
into one unique B-tree: 12-15% of a bare COPY. This loads the same generated file into its own
partition instead, the resource's dsp_id and metadata inline: COPY from the gzip stream (CRLF
normalised, with the CHECKs of the importer), the unique (dsp_id) key built after the load (a
sorted build), `ATTACH PARTITION`. It then times the percentile's aggregate (EUR revenue per
dsp_id, running share) over the partition, and prints each step against a bare COPY of the
decompressed file. `bench/dsr_ingest.py` measures the importer itself.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dsr_ingest import _TUNED, _bare_copy, _file  # noqa: E402
from riverbed.local import LocalPostgres  # noqa: E402

_PARENT = """
CREATE TABLE usage_by_dsr (
    dsr_id integer NOT NULL, dsp_id text NOT NULL, title text, artists text, isrc text,
    usages bigint, revenue numeric
) PARTITION BY LIST (dsr_id)
"""
_PARTITION = """
CREATE TABLE usage_dsr_1 (
    dsr_id integer NOT NULL DEFAULT 1 CHECK (dsr_id = 1), dsp_id text NOT NULL, title text,
    artists text, isrc text, usages bigint CHECK (usages >= 0),
    revenue numeric CHECK (revenue >= 0 AND revenue < 1e300 AND revenue <> 'NaN')
)
"""
_PERCENTILE = """
SELECT count(*) FROM (
    SELECT dsp_id, revenue,
           SUM(revenue) OVER (ORDER BY revenue DESC ROWS UNBOUNDED PRECEDING) AS running,
           SUM(revenue) OVER () AS total
    FROM (SELECT dsp_id, SUM(revenue) AS revenue FROM usage_by_dsr WHERE dsr_id = 1
          GROUP BY dsp_id) per
) r WHERE running - revenue < total * 0.5
"""


def _copy_gzip(conn: psycopg.Connection[Any], path: Path) -> None:
    """COPY a DSR file into the partition, its CRLF line ends made LF on the way."""
    copy = "COPY usage_dsr_1 (dsp_id, title, artists, isrc, usages, revenue) FROM STDIN"
    with (
        conn.cursor() as cur,
        cur.copy(f"{copy} (FORMAT text, NULL '')") as cp,
        gzip.open(path, "rb") as fh,
    ):
        fh.readline()  # the header
        while block := fh.read(1 << 20):
            if block.endswith(b"\r"):
                block += fh.read(1)
            cp.write(block.replace(b"\r\n", b"\n"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "riverbed-bench-dsr"
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  lines: {args.lines:,}", flush=True)
    path = _file(args.cache, args.lines, ("20200201", "20200229"))
    server = dict(item.split("=", 1) for item in _TUNED)
    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        pg = LocalPostgres(Path(tmp), settings=server).start()
        try:
            pg.create_database("bench")
            with pg.connect("bench") as conn:
                conn.execute(_PARENT)
                conn.commit()
                started = time.perf_counter()
                conn.execute(_PARTITION)
                _copy_gzip(conn, path)
                steps["copy"] = time.perf_counter() - started
                begun = time.perf_counter()
                conn.execute("CREATE UNIQUE INDEX usage_dsr_1_key ON usage_dsr_1 (dsp_id)")
                steps["key"] = time.perf_counter() - begun
                begun = time.perf_counter()
                conn.execute(
                    "ALTER TABLE usage_by_dsr ATTACH PARTITION usage_dsr_1 FOR VALUES IN (1)"
                )
                conn.commit()
                steps["attach"] = time.perf_counter() - begun
                row = conn.execute("SELECT count(*) FROM usage_by_dsr").fetchone()
                assert row is not None and row[0] == args.lines, row
                conn.execute("ANALYZE usage_by_dsr")
                begun = time.perf_counter()
                conn.execute(_PERCENTILE).fetchone()
                query = time.perf_counter() - begun
            plain = Path(tmp) / "plain.tsv"
            with gzip.open(path, "rb") as src, plain.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            bare = _bare_copy(pg.connect, plain)
        finally:
            pg.destroy()
    load = sum(steps.values())
    bare_rate = args.lines / bare
    print("steps             : " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    print(f"partition load    : {args.lines / load:12,.0f} lines/s  ({load:.1f} s)")
    print(f"postgres bare COPY: {bare_rate:12,.0f} lines/s  ({bare:.1f} s)")
    print(f"ratio             : {args.lines / load / bare_rate:12.0%}")
    print(f"top 50% of revenue over the partition: {query:.1f} s")


if __name__ == "__main__":
    main()
