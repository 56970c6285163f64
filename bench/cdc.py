"""CDC benchmark: Postgres -> Debezium -> DuckDB, per source, against the pg_recvlogical ceiling.

For each source it prints:
  sustained events/s  a running consumer draining a backlog of a mixed insert/update/delete
                      workload written while its replication stream was paused (SIGSTOP of
                      its walsender; resume -> last event committed in DuckDB); target
                      >= 40,000 embedded. Then the same after a restart (a new engine in the
                      same JVM, first batch -> last event), which recompiles hot paths
  latency p50/95/99   commit in Postgres -> commit in DuckDB at a fixed offered rate
                      (default 5,000 changes/s); target p99 <= 1 s
  raw decode events/s `pg_recvlogical` (pgoutput, same publication, same WAL) -> /dev/null,
                      the ceiling; and the ratio sustained / raw
  CPU per event       in the drain, per thread group of this process (Debezium's decoder, the
                      engine thread that serialises and parses, Python and DuckDB, JVM GC, JIT)
                      and in Postgres, from /proc (Linux)

    uv run python bench/cdc.py [--source embedded|kafka|all] [--changes 200000]
                               [--rate 5000] [--seconds 20] [--warmup 200000]

The embedded figures are taken after `--warmup` unmeasured changes: the consumer's JVM is then
compiled as in a long-running process (`--warmup 0` measures a cold start). The Kafka path's
pipeline figure comes after its capture phase, on a Connect worker warmed the same way.

The embedded source hands batches over with BatchJson when `javac` exists; set
RIVERBED_INGESTOR_BATCH_JSON=false to measure Debezium's JSON format instead.

The Kafka section comes from `bench/cdc_kafka.py` (`kafka_figures()`, and `kafka_latency()`
when it exists): add Kafka-specific setup there, not here.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu_split import (  # noqa: E402
    CpuSnapshot,
    format_split,
    split_per_event,
    steal_share,
)
from riverbed.core.cdc import DeadLetter  # noqa: E402
from riverbed.core.migrations import upgrade  # noqa: E402
from riverbed.core.settings import load_settings  # noqa: E402
from riverbed.ingestor.sync.capture import prepare_source  # noqa: E402
from riverbed.ingestor.sync.runner import SyncRunner, tune_gc  # noqa: E402
from riverbed.ingestor.sync.settings import SyncSettings  # noqa: E402
from riverbed.ingestor.sync.sinks.base import ApplyResult, TableChanges  # noqa: E402
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink  # noqa: E402
from riverbed.ingestor.sync.sources.embedded import EmbeddedSource  # noqa: E402
from riverbed.local import LocalPostgres  # noqa: E402
from riverbed.local.postgres import PG_BIN  # noqa: E402


class TimedApply:
    """Mixin for a sink: record, per committed batch, its event count and commit latencies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applied = 0
        self.batches = 0
        self.first_at: float | None = None
        self.last_at = 0.0
        self.latencies: list[float] = []
        self.record_latency = False
        self.measure_cpu = False  # snapshot CPU at the first apply and after each one
        self.cpu_from: CpuSnapshot | None = None
        self.cpu_to: CpuSnapshot | None = None

    def apply(
        self, changes: Sequence[TableChanges], dead_letters: Sequence[DeadLetter]
    ) -> ApplyResult:
        if self.first_at is None:
            self.first_at = time.monotonic()
            self.cpu_from = CpuSnapshot.take() if self.measure_cpu else None
        result: ApplyResult = super().apply(changes, dead_letters)  # type: ignore[misc]
        now = datetime.now(UTC)
        self.last_at = time.monotonic()
        if self.measure_cpu:
            self.cpu_to = CpuSnapshot.take()
        self.batches += 1
        for tc in changes:
            self.applied += len(tc.events)
            if self.record_latency:
                self.latencies += [
                    (now - e.commit_ts).total_seconds() for e in tc.events if e.commit_ts
                ]
        return result


class TimedSink(TimedApply, DuckDBSink):
    """A DuckDB sink that records, per committed batch, its event count and commit latencies."""


def seed_videos(url: str) -> None:
    """Create the page and the ten videos the workloads' insights refer to."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO pages (name, created_at) VALUES ('p', now())")
        conn.execute(
            "INSERT INTO videos (title, page_id, created_at)"
            " SELECT 'v' || g, 1, now() FROM generate_series(1, 10) g"
        )


def mixed_workload(url: str, changes: int) -> int:
    """Insert, update and delete insights (~50/35/15) in 5,000-change transactions."""
    done = 0
    with psycopg.connect(url, autocommit=True) as conn:
        while done < changes:
            with conn.transaction():
                done += conn.execute(
                    "INSERT INTO insights (video_id, likes, views, created_at)"
                    " SELECT 1 + g % 10, g, g * 10, now() FROM generate_series(1, 2500) g"
                ).rowcount
                done += conn.execute(
                    "UPDATE insights SET likes = likes + 1 WHERE id IN"
                    " (SELECT id FROM insights ORDER BY id DESC LIMIT 1750)"
                ).rowcount
                done += conn.execute(
                    "DELETE FROM insights WHERE id IN (SELECT id FROM insights ORDER BY id LIMIT 750)"
                ).rowcount
    return done


def paced_workload(url: str, rate: int, seconds: float) -> int:
    """Offer `rate` changes/s for `seconds` in small transactions every 20 ms."""
    per_tick = max(3, rate // 50)
    ins, upd = per_tick // 2, per_tick * 7 // 20
    dele = per_tick - ins - upd
    done = 0
    with psycopg.connect(url, autocommit=True) as conn:
        # commits flushed as on a production server: the bench's Postgres runs with
        # synchronous_commit=off, whose commits reach the WAL sender only at the WAL writer's
        # next round (wal_writer_delay, 200 ms), which would be counted as CDC latency
        conn.execute("SET synchronous_commit = on")
        start = time.monotonic()
        tick = 0
        while time.monotonic() - start < seconds:
            with conn.transaction():
                done += conn.execute(
                    "INSERT INTO insights (video_id, likes, views, created_at)"
                    " SELECT 1 + g %% 10, g, g, now() FROM generate_series(1, %s) g",
                    (ins,),
                ).rowcount
                done += conn.execute(
                    "UPDATE insights SET views = views + 1 WHERE id IN"
                    " (SELECT id FROM insights ORDER BY id DESC LIMIT %s)",
                    (upd,),
                ).rowcount
                done += conn.execute(
                    "DELETE FROM insights WHERE id IN (SELECT id FROM insights ORDER BY id LIMIT %s)",
                    (dele,),
                ).rowcount
            tick += 1
            delay = start + tick * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    return done


def wait_for(cond: Any, timeout: float, what: str, poll: float = 0.05) -> None:
    """Poll `cond` until true; exit the benchmark after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(poll)


def walsender_pid(url: str, slot: str) -> int:
    """Return the pid of the walsender streaming `slot` (the consumer is connected)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s AND active",
            (slot,),
        ).fetchone()
    if row is None:
        raise SystemExit(f"no consumer is streaming slot {slot}")
    return int(row[0])


def drained(sink: TimedApply, n: int) -> tuple[float, int, dict[str, float], float]:
    """Return the drain's events/s, batch count, CPU split and host steal; stop measuring."""
    assert sink.first_at is not None
    rate = n / max(sink.last_at - sink.first_at, 1e-6)
    sink.measure_cpu = False
    assert sink.cpu_from is not None and sink.cpu_to is not None
    cpu = split_per_event(sink.cpu_from, sink.cpu_to, n)
    return rate, sink.batches, cpu, steal_share(sink.cpu_from, sink.cpu_to)


def peak_rss_mb() -> float:
    """Return this process's peak resident memory (the consumer and its JVM run here) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def raw_decode(url: str, slot: str, publication: str, changes: int) -> float:
    """Return pg_recvlogical's decode rate (changes/s) over the WAL written since `slot`."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    assert row is not None
    info = psycopg.conninfo.conninfo_to_dict(url)
    cmd = [
        str(PG_BIN / "pg_recvlogical"),
        "-h", str(info["host"]), "-p", str(info["port"]), "-U", str(info["user"]),
        "-d", str(info["dbname"]), "--slot", slot, "--start", "--endpos", row[0],
        "-o", "proto_version=1", "-o", f"publication_names={publication}",
        "--no-loop", "-f", "/dev/null",
    ]  # fmt: skip
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, timeout=600)
    return changes / (time.monotonic() - t0)


def embedded_figures(
    changes: int, rate: int, seconds: float, base: Path, warmup: int = 0
) -> dict[str, float]:
    """Measure the embedded source on its own Postgres (after `warmup` changes, unmeasured)."""
    pg = LocalPostgres(base / "pg", fast=True).start()
    try:
        url = pg.create_database("bench")
        upgrade(url)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        seed_videos(plain)
        os.environ["DATABASE_URL"] = url
        settings = load_settings(
            SyncSettings, home=base / "home", metrics_port=0, heartbeat_interval_ms=1000
        )
        prepare_source(settings)
        raw_slot = "bench_raw"
        subprocess.run(
            [str(PG_BIN / "pg_recvlogical"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
             "postgres", "-d", "bench", "--slot", raw_slot, "--create-slot",
             "--plugin", "pgoutput"],
            check=True,
        )  # fmt: skip
        sink = TimedSink(settings.warehouse_path)

        def run(label: str, **kw: Any) -> tuple[SyncRunner, threading.Thread]:
            runner = SyncRunner(EmbeddedSource(settings), sink, idle_release_s=0.5)
            t = threading.Thread(target=runner.run, kwargs=kw, name=label, daemon=True)
            t.start()
            return runner, t

        # 1. snapshot (slot created) and warm-up; 2. and 3. a backlog drained two ways
        runner, t = run("snapshot")
        wait_for(lambda: sink.applied >= 11, 180, "snapshot")
        if warmup:
            print(f"warming up the JVM on {warmup} changes (not measured)...", flush=True)
            w = mixed_workload(plain, warmup)
            wait_for(lambda: sink.applied >= 11 + w, 900, "warm-up")
            with psycopg.connect(plain, autocommit=True) as conn:  # the ceiling: backlog only
                conn.execute(
                    "SELECT pg_replication_slot_advance(%s, pg_current_wal_lsn())", (raw_slot,)
                )
        # 2. the running consumer catches up: its stream paused while the backlog is written
        walsender = walsender_pid(plain, settings.slot_name)
        os.kill(walsender, signal.SIGSTOP)
        try:
            print(f"writing {changes} changes (stream paused)...", flush=True)
            n = mixed_workload(plain, changes)
            sink.applied, sink.batches = 0, 0
            sink.cpu_from, sink.measure_cpu = CpuSnapshot.take(), True
            sink.first_at = time.monotonic()
        finally:
            os.kill(walsender, signal.SIGCONT)
        wait_for(lambda: sink.applied >= n, 1800, "drain")
        sustained, batches, cpu, steal = drained(sink, n)
        raw = raw_decode(plain, raw_slot, settings.publication_name, n)
        print(
            f"embedded: {n} changes drained by the running consumer at {sustained:,.0f}"
            f" events/s in {batches} batches; pg_recvlogical {raw:,.0f} events/s",
            flush=True,
        )
        print(
            f"embedded: CPU us per event in the drain: {format_split(cpu)}; the hypervisor"
            f" took {steal:.0%} of the machine's CPU time (steal)",
            flush=True,
        )
        # 3. catch-up after a restart: a new engine (same JVM) drains a backlog
        runner.stop()
        t.join(60)
        print(f"writing {changes} changes (consumer stopped)...", flush=True)
        n_restart = mixed_workload(plain, changes)
        sink.applied, sink.first_at, sink.batches = 0, None, 0
        sink.measure_cpu = True
        runner, t = run("drain")
        wait_for(lambda: sink.applied >= n_restart, 1800, "drain after a restart")
        restart, batches, cpu, steal_restart = drained(sink, n_restart)
        print(
            f"embedded: {n_restart} changes drained after a restart at {restart:,.0f} events/s"
            f" in {batches} batches; CPU us per event: {format_split(cpu)};"
            f" steal {steal_restart:.0%}",
            flush=True,
        )
        with psycopg.connect(plain, autocommit=True) as conn:  # the ceiling: first backlog only
            conn.execute(
                "SELECT pg_replication_slot_advance(%s, pg_current_wal_lsn())", (raw_slot,)
            )
        # 4. latency at a fixed offered rate, consumer running
        sink.record_latency, sink.latencies = True, []
        before = sink.applied
        offered = paced_workload(plain, rate, seconds)
        wait_for(lambda: sink.applied - before >= offered, 300, "latency run")
        runner.stop()
        t.join(60)
        lat = sorted(sink.latencies)
        q = statistics.quantiles(lat, n=100)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute("SELECT pg_drop_replication_slot(%s)", (raw_slot,))
        return {
            "changes": float(n),
            "sustained_events_s": sustained,
            "restart_events_s": restart,
            "steal_share": steal,
            "raw_decode_events_s": raw,
            "ratio": sustained / raw,
            "offered_changes_s": offered / seconds,
            "latency_p50_s": q[49],
            "latency_p95_s": q[94],
            "latency_p99_s": q[98],
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        pg.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", choices=["embedded", "kafka", "pubsub", "all"], default="embedded"
    )
    # issue 8: `--source pubsub --sink bigquery` runs bench/cdc_gcp.py's section (emulators)
    parser.add_argument("--sink", choices=["duckdb", "bigquery"], default="duckdb")
    parser.add_argument("--changes", type=int, default=200_000)
    parser.add_argument("--rate", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--warmup",
        type=int,
        default=200_000,
        help="Changes applied before the embedded measurement, so the JIT has compiled the"
        " hot paths as in a long-running consumer (0: measure a cold JVM).",
    )
    parser.add_argument("--base", type=Path, default=None, help="Work directory (default: temp).")
    args = parser.parse_args()
    tune_gc()  # as `riverbed sync run` does: the consumers below run in this process
    print(f"cores: {os.cpu_count()}")
    if args.base is not None:
        args.base.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="bench-cdc-", dir=args.base))
    if args.source in ("embedded", "all"):
        f = embedded_figures(
            args.changes, args.rate, args.seconds, base / "embedded", warmup=args.warmup
        )
        print(
            f"embedded: {f['changes']:.0f} changes | sustained {f['sustained_events_s']:,.0f} events/s"
            f" (target >= 40,000), {f['restart_events_s']:,.0f} after a restart"
            f" | raw pg_recvlogical {f['raw_decode_events_s']:,.0f} events/s"
            f" | ratio {f['ratio']:.2f} | host steal {f['steal_share']:.0%} during the drain"
        )
        print(
            f"embedded: latency at {f['offered_changes_s']:,.0f} changes/s offered:"
            f" p50 {f['latency_p50_s']:.3f} s, p95 {f['latency_p95_s']:.3f} s,"
            f" p99 {f['latency_p99_s']:.3f} s (target p99 <= 1 s)"
        )
        print(
            f"embedded: peak RSS of the consumer's process (Python + JVM) {f['peak_rss_mb']:,.0f} MB"
        )
    if args.source == "pubsub" or args.sink == "bigquery":
        from bench.cdc_gcp import gcp_figures, report  # issue 8 (GCP) section

        report(gcp_figures(args.changes, min(args.rate, 500), args.seconds, base / "gcp"))
        return
    if args.source in ("kafka", "all"):
        from bench.cdc_kafka import kafka_figures  # the Kafka engineer's section

        k = kafka_figures(args.changes, base / "kafka")
        print(
            "kafka: "
            + " | ".join(
                f"{key} {v:.3f}" if key.startswith("latency") else f"{key} {v:,.0f}"
                for key, v in k.items()
            )
        )


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # two embedded engines ran in this process: do not wait for lingering JVM threads at exit
    os._exit(0)
