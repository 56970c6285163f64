"""SAV transform benchmark: rows/s and peak RSS on 10M messages vs a naive per-ticket loop.

Usage: uv run python bench/sav.py [--messages 10000000] [--sample 100000] [--csv-messages N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the naive oracle in tests/sav/_naive.py

from riverbed.analytics.sav import (  # noqa: E402
    CsvSource,
    aggregate,
    compute_tickets,
    read_all,
)
from riverbed.data.sav import generate_sav_messages, write_sav_csv  # noqa: E402
from tests.sav._naive import naive_tickets  # noqa: E402


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument(
        "--shuffled",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the transform on shuffled rows",
    )
    parser.add_argument(
        "--csv-messages",
        type=int,
        default=1_000_000,
        help="also time CSV extract + transform on this many messages (0: skip)",
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}")

    t0 = time.perf_counter()
    frame = generate_sav_messages(args.messages, text=False)
    # log order, as an extract reads it: by created_at, message ids ascending with time
    frame = frame.sort_values("created_at", kind="stable", ignore_index=True)
    frame["message_id"] = np.arange(1, len(frame) + 1)
    gen_s = time.perf_counter() - t0
    n = len(frame)
    rss_before = _rss_mib()
    print(f"generated {n:,} messages in {gen_s:.1f}s (RSS {rss_before:.0f} MiB)")

    t0, c0 = time.perf_counter(), time.process_time()
    tickets = compute_tickets(frame)
    by_country = aggregate(tickets, "country")
    by_merchant = aggregate(tickets, "merchant_id")
    transform_s = time.perf_counter() - t0
    transform_cpu = time.process_time() - c0
    fast_rate = n / transform_s
    print(
        f"vectorized transform: {n:,} messages -> {len(tickets):,} tickets, "
        f"{len(by_country)} countries, {len(by_merchant)} merchants in {transform_s:.2f}s "
        f"= {fast_rate:,.0f} rows/s (target: < 30 s) -> {'OK' if transform_s < 30 else 'MISSED'}"
    )
    print(
        f"  CPU time of the transform: {transform_cpu:.2f}s (wall clock is inflated when the "
        "2 cores are shared)"
    )
    print(f"peak RSS after transform: {_peak_mib():,.0f} MiB (data alone {rss_before:,.0f} MiB)")

    if args.shuffled:
        shuffled = frame.sample(frac=1.0, random_state=1, ignore_index=True)
        t0 = time.perf_counter()
        compute_tickets(shuffled)
        shuffled_s = time.perf_counter() - t0
        print(
            f"same transform on shuffled rows (worst case): {shuffled_s:.2f}s "
            f"= {n / shuffled_s:,.0f} rows/s"
        )
        del shuffled

    # naive sample: the first tickets, whole (all their messages)
    first = np.unique(frame["ticket_id"].to_numpy())[: max(1, args.sample // 5)]
    sample = frame[frame["ticket_id"].isin(first)].head(args.sample).copy()
    t0, c0 = time.perf_counter(), time.process_time()
    naive = naive_tickets(sample)
    naive_s = time.perf_counter() - t0
    naive_cpu = time.process_time() - c0
    naive_rate = len(sample) / naive_s
    t0 = time.perf_counter()
    fast_sample = compute_tickets(sample)
    fast_sample_s = time.perf_counter() - t0
    assert len(naive) == len(fast_sample)
    print(
        f"naive per-ticket loop: {len(sample):,} messages in {naive_s:.2f}s "
        f"= {naive_rate:,.0f} rows/s; vectorized on the same sample {fast_sample_s:.3f}s"
    )
    print(
        f"speed-up (vectorized 10M rows/s / naive rows/s): {fast_rate / naive_rate:,.0f}x wall, "
        f"{(n / transform_cpu) / (len(sample) / naive_cpu):,.0f}x CPU; on the same sample "
        f"{naive_s / fast_sample_s:,.0f}x"
    )
    del frame, tickets

    if args.csv_messages:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sav.csv"
            write_sav_csv(path, args.csv_messages)
            t0 = time.perf_counter()
            messages = read_all(CsvSource(path))
            read_s = time.perf_counter() - t0
            compute_tickets(messages)
            total_s = time.perf_counter() - t0
            print(
                f"CSV extract: {len(messages):,} messages in {read_s:.2f}s "
                f"({len(messages) / read_s:,.0f} rows/s); extract + transform {total_s:.2f}s"
            )


if __name__ == "__main__":
    main()
