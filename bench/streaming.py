"""Benchmark the streaming nightly load: generate, load two nights, answer the six questions.

    uv run python bench/streaming.py [--scale 1gb|8gb|<bytes>] [--workdir DIR] [--memory-limit 4GB]

Generates internal data + a vendor full dump of about SCALE bytes (half vendor JSON, half
streams CSV, the real files' distributions; cached in --workdir across runs), derives the
second night's dump (1% updates, 0.5% deletes), runs `riverbed streaming load` for both
nights and `riverbed streaming answers`, each in its own process, and prints wall time,
rows/s and the peak RSS of every step; the loads run with a DuckDB memory_limit (spilling
beyond it). Target: night load + answers at 8 GB < 10 minutes on
2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from riverbed.data.streaming import generate_streaming, mutate_vendor_dump, sizes_for_bytes

SCALES = {"1gb": 1_000_000_000, "8gb": 8_000_000_000}
CLI = "from riverbed.core.cli import main; main()"


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a child; return wall s, CPU s (user+sys), peak RSS MB (its own, via wait4), stdout."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI, "--log-level", "WARNING", *args],
            stdout=out_f,
            stderr=err_f,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode:
        raise SystemExit(f"riverbed {' '.join(args)} failed:\n{out}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*") if p.is_file())


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="1gb", help="1gb, 8gb or a byte count")
    ap.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "riverbed-bench-streaming"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--memory-limit",
        default="4GB",
        help="DuckDB memory_limit of the loads (RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT wins)",
    )
    opts = ap.parse_args()
    target = SCALES.get(opts.scale.lower()) or int(opts.scale)
    sizes = sizes_for_bytes(target)
    data = opts.workdir / f"data-{target}-{opts.seed}"
    print(f"scale {target / 1e9:.2f} GB, cores {os.cpu_count()} (DuckDB uses them all)")
    print(f"rows: {sizes}")

    t0 = time.perf_counter()
    if not (data / "done").exists():
        shutil.rmtree(data, ignore_errors=True)
        generate_streaming(data, sizes, seed=opts.seed)
        counts = mutate_vendor_dump(
            data / "vendor", data / "vendor-night2", update=0.01, delete=0.005
        )
        (data / "done").write_text(json.dumps(counts), encoding="utf-8")
        print(f"generate         {time.perf_counter() - t0:8.1f} s")
    else:
        print(f"generate         cached in {data}")
    counts = json.loads((data / "done").read_text(encoding="utf-8"))
    internal_b, vendor_b = _bytes(data / "internal"), _bytes(data / "vendor")
    print(
        f"files: internal {internal_b / 1e9:.2f} GB, vendor {vendor_b / 1e9:.2f} GB; night 2 {counts}"
    )

    warehouse = opts.workdir / "bench.duckdb"
    for suffix in ("", ".wal"):
        Path(str(warehouse) + suffix).unlink(missing_ok=True)
    env = {
        "RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT": opts.memory_limit,
        **os.environ,
        "RIVERBED_HOME": str(opts.workdir / "home"),
    }
    records = (
        sizes.users + sizes.movies + sizes.streams + sizes.authors + sizes.books + sizes.reviews
    )
    steps = [
        (
            "load night 1",
            [
                "streaming",
                "load",
                "--internal",
                str(data / "internal"),
                "--vendor",
                str(data / "vendor"),
                "--as-of",
                "2021-12-31",
                "--warehouse",
                f"duckdb:{warehouse}",
            ],
            records,
        ),
        (
            "load night 2",
            [
                "streaming",
                "load",
                "--internal",
                str(data / "internal"),
                "--vendor",
                str(data / "vendor-night2"),
                "--as-of",
                "2022-01-01",
                "--warehouse",
                f"duckdb:{warehouse}",
            ],
            records,
        ),
        (
            "answers",
            ["streaming", "answers", "--format", "json", "--warehouse", f"duckdb:{warehouse}"],
            sizes.streams,
        ),
    ]
    total = total_cpu = 0.0
    print(
        f"load average before: {os.getloadavg()[0]:.1f} (machine shared: CPU s is the steadier figure)"
    )
    print(f"loader memory_limit: {env['RIVERBED_INGESTOR_STREAMING_MEMORY_LIMIT']}")
    print(
        f"{'step':<14} {'wall s':>7} {'CPU s':>7} {'rows':>11} {'rows/s':>10} {'MB/s':>6} {'peak RSS MB':>11}"
    )
    outputs = {}
    for name, args, rows in steps:
        wall, cpu, rss, out = _run_measured(args, env)
        outputs[name] = out
        mb = (internal_b + vendor_b) / 1e6 / wall if name.startswith("load") else float("nan")
        print(
            f"{name:<14} {wall:7.1f} {cpu:7.1f} {rows:11d} {rows / wall:10.0f} {mb:6.1f} {rss:11.0f}"
        )
        if name != "load night 1":
            total += wall
            total_cpu += cpu
    print(
        f"night 2 load + answers: {total:.1f} s wall, {total_cpu:.1f} s CPU (target < 600 s at 8 GB, 2 cores)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    for night in ("load night 1", "load night 2"):
        print(outputs[night].strip())
    answers = json.loads(outputs["answers"])
    print("answers: " + ", ".join(f"{k}={v['answer']}" for k, v in answers.items()))
    print(f"warehouse size: {warehouse.stat().st_size / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
