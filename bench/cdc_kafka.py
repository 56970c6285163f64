"""Kafka path of the CDC benchmark: sustained events/s Postgres -> Debezium (Kafka Connect) ->
Kafka -> `riverbed sync run --source kafka` -> DuckDB, on real processes started here.

Prints, for a mixed insert/update/delete workload:
  capture   events/s from the first change until every message is in Kafka (Debezium + Connect)
  apply     events/s of the consumer alone, draining topics that already hold the workload
  pipeline  events/s end to end with everything running: first change -> last offset committed
            after its DuckDB transaction (the sustained figure; target >= 25,000 on 2 cores)

    uv run python bench/cdc_kafka.py [--changes 200000]

`bench/cdc.py` imports `kafka_figures()` for its Kafka section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psycopg
from confluent_kafka import Consumer, KafkaException, TopicPartition

from riverbed.core.migrations import upgrade
from riverbed.core.settings import load_settings, normalize_database_url
from riverbed.ingestor.connectors import (
    DEBEZIUM_POSTGRES,
    ConnectClient,
    ensure_heartbeat_table,
    for_worker,
    load_connector,
    wait_running,
)
from riverbed.ingestor.sync.runner import SyncRunner, tune_gc
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources.kafka import KafkaSource
from riverbed.local import LocalPostgres
from riverbed.local._jvm import G1_LOW_PAUSE, PARALLEL_THROUGHPUT
from riverbed.local.connect import LocalConnect
from riverbed.local.kafka import LocalKafka
from riverbed.local.kafka_stack import connect_env

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("pages", "videos", "insights")
CLI = [sys.executable, "-c", "from riverbed.core.cli import main; main()"]


def workload(url: str, changes: int, tag: str) -> tuple[int, int]:
    """Apply ~`changes` mixed changes in 2,000-row transactions; return (changes, deletes)."""
    done = deletes = 0
    with psycopg.connect(url, autocommit=True) as conn:
        while done < changes:
            with conn.transaction():
                cur = conn.cursor()
                cur.execute(
                    "INSERT INTO pages (name, created_at)"
                    " SELECT %s || '-' || g, now() FROM generate_series(1, 100) g RETURNING id",
                    (f"{tag}-{done}",),
                )
                pages = [r[0] for r in cur.fetchall()]
                cur.execute(
                    "INSERT INTO videos (title, page_id, created_at) SELECT 'video ' || g,"
                    " (%s::bigint[])[1 + g %% 100], now() FROM generate_series(1, 400) g"
                    " RETURNING id",
                    (pages,),
                )
                videos = [r[0] for r in cur.fetchall()]
                cur.execute(
                    "INSERT INTO insights (video_id, likes, views, created_at)"
                    " SELECT (%s::bigint[])[1 + g %% 400], g, g * 10, now()"
                    " FROM generate_series(1, 900) g",
                    (videos,),
                )
                cur.execute(
                    "UPDATE insights SET likes = likes + 1 WHERE id IN"
                    " (SELECT id FROM insights ORDER BY id DESC LIMIT 400)"
                )
                cur.execute(
                    "UPDATE videos SET title = title || '!' WHERE id = ANY(%s)", (videos[:100],)
                )
                cur.execute(
                    "DELETE FROM insights WHERE id IN"
                    " (SELECT id FROM insights ORDER BY id DESC LIMIT 100)"
                )
                done += 100 + 400 + 900 + 400 + 100 + 100
                deletes += 100
    return done, deletes


class Offsets:
    """Topic end offsets and the consumer group's committed offsets."""

    def __init__(self, bootstrap: str, prefix: str, group: str) -> None:
        self.config = {"bootstrap.servers": bootstrap, "group.id": group}
        self.consumer = Consumer(self.config)
        self.tps = [TopicPartition(f"{prefix}.public.{t}", 0) for t in TABLES]

    def produced(self) -> int:
        """Return how many messages the table topics hold."""
        total = 0
        for tp in self.tps:
            try:
                total += self.consumer.get_watermark_offsets(tp, timeout=5)[1]
            except KafkaException:
                # A topic created after this client started: refresh its metadata.
                self.consumer.close()
                self.consumer = Consumer(self.config)
                return 0
        return total

    def committed(self) -> int:
        """Return how many messages the sync consumer committed (after its DuckDB commit)."""
        return sum(max(tp.offset, 0) for tp in self.consumer.committed(self.tps, timeout=10))

    def close(self) -> None:
        """Leave the broker before it stops (else the client logs refused reconnects)."""
        self.consumer.close()


def wait_until(
    what: str, check: Callable[[], int], target: int, timeout: float
) -> tuple[float, int]:
    """Poll `check()` until it reaches `target`; return (when, value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value >= target:
            return time.monotonic(), value
        time.sleep(0.05)
    raise SystemExit(f"{what}: {check()} of {target} after {timeout:.0f}s")


def kafka_latency(
    url: str, bootstrap: str, home: Path, rate: int, seconds: float
) -> dict[str, float]:
    """Offer `rate` changes/s and time each one from its Postgres commit to its DuckDB commit.

    The consumer runs in this process (the same SyncRunner and KafkaSource as `sync run`) so
    that bench/cdc.py's TimedSink can time every event.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.cdc import TimedSink, paced_workload

    settings = load_settings(
        SyncSettings,
        database_url=url,
        home=home,
        kafka_bootstrap_servers=bootstrap,
        kafka_topic_prefix="bench",
        kafka_group_id="bench-sync",
        metrics_port=0,
    )
    sink = TimedSink(settings.warehouse_path)
    runner = SyncRunner(KafkaSource(settings), sink, idle_release_s=0.5)
    thread = threading.Thread(target=runner.run, name="kafka-latency", daemon=True)
    thread.start()
    # warm-up, not measured: the consumer joins its group and opens the warehouse (the first
    # apply after a restart replays DuckDB's WAL), as a consumer that has been running would
    warm = paced_workload(url, rate, 2.0)
    deadline = time.monotonic() + 120
    while sink.applied < warm and time.monotonic() < deadline:
        time.sleep(0.1)
    sink.record_latency = True
    before = sink.applied
    offered = paced_workload(url, rate, seconds)
    deadline = time.monotonic() + 300
    while sink.applied - before < offered and time.monotonic() < deadline:
        time.sleep(0.1)
    runner.stop()
    thread.join(60)
    q = statistics.quantiles(sink.latencies, n=100)
    return {
        "offered_changes_s": offered / seconds,
        "latency_p50_s": q[49],
        "latency_p95_s": q[94],
        "latency_p99_s": q[98],
    }


def kafka_figures(
    changes: int = 200_000,
    base: Path | None = None,
    rate: int = 5_000,
    seconds: float = 20.0,
    connect_options: Mapping[str, Any] | None = None,
    stock_connector: bool = False,
) -> dict[str, float]:
    """Run the Kafka path on its own Postgres, broker and worker; return events/s figures.

    `stock_connector` runs Debezium's PostgresConnector instead of Riverbed's (the same with
    a brief "last event" metric).
    """
    own_base = base is None
    base = base or Path(tempfile.mkdtemp(prefix="bench-cdc-kafka-"))
    pg = LocalPostgres(base / "pg", fast=True).start()
    kafka = connect = consumer = None
    offsets: Offsets | None = None
    try:
        url = pg.create_database("bench")
        upgrade(normalize_database_url(url))
        kafka = LocalKafka(base / "kafka").start()
        connect = LocalConnect(
            base / "connect", kafka.bootstrap_servers, **dict(connect_options or {})
        )
        connect.start(env=connect_env(pg, "bench"))
        ensure_heartbeat_table(url)
        spec = load_connector(ROOT / "connectors" / "riverbed-media.json")
        overrides = {"name": "bench", "topic.prefix": "bench"}
        if stock_connector:
            overrides["connector.class"] = DEBEZIUM_POSTGRES
        client = ConnectClient(connect.url)
        spec = for_worker(spec.with_overrides(overrides), client)
        client.put_config(spec.name, spec.config)
        wait_running(client, spec.name, 120)
        offsets = Offsets(kafka.bootstrap_servers, "bench", "bench-sync")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "RIVERBED_HOME": str(base / "home"),
            "RIVERBED_INGESTOR_KAFKA_TOPIC_PREFIX": "bench",
            "RIVERBED_INGESTOR_KAFKA_GROUP_ID": "bench-sync",
            "RIVERBED_INGESTOR_METRICS_PORT": "0",
            "RIVERBED_LOG_LEVEL": "WARNING",
        }
        log = (base / "sync.log").open("ab")

        def start_consumer() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [*CLI, "--log-level", "WARNING", "sync", "run", "--source", "kafka"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        # 1. capture + apply-only: the workload lands in Kafka, then the consumer drains it.
        t0 = time.monotonic()
        n, deletes = workload(url, changes, "a")
        messages = n + deletes  # every delete is followed by a tombstone
        t_captured, _ = wait_until("capture", offsets.produced, messages, 600)
        capture = messages / (t_captured - t0)
        consumer = start_consumer()
        t_first, first = wait_until("apply start", offsets.committed, 1, 120)
        t_applied, _ = wait_until("apply", offsets.committed, messages, 600)
        apply = (messages - first) / max(t_applied - t_first, 1e-6)
        # 2. pipeline: everything runs while the workload is written.
        base_messages = offsets.produced()
        t0 = time.monotonic()
        n2, deletes2 = workload(url, changes, "b")
        t_written = time.monotonic()
        target = base_messages + n2 + deletes2
        t_in_kafka, _ = wait_until("pipeline capture", offsets.produced, target, 900)
        t_done, _ = wait_until("pipeline", offsets.committed, target, 900)
        pipeline = (n2 + deletes2) / (t_done - t0)
        figures = {
            "changes": float(n2),
            "capture_events_s": capture,
            "apply_events_s": apply,
            "pipeline_events_s": pipeline,
            "written_events_s": (n2 + deletes2) / (t_written - t0),
            "pipeline_s": t_done - t0,
            "pipeline_in_kafka_s": t_in_kafka - t0,
        }
        if rate > 0:
            consumer.send_signal(signal.SIGTERM)
            consumer.wait(60)
            consumer = None
            figures |= kafka_latency(url, kafka.bootstrap_servers, base / "home", rate, seconds)
        return figures
    finally:
        if consumer is not None and consumer.poll() is None:
            consumer.send_signal(signal.SIGTERM)
            consumer.wait(60)
        if offsets is not None:
            offsets.close()
        if connect is not None:
            connect.stop()
        if kafka is not None:
            kafka.stop()
        pg.destroy()
        if own_base:
            shutil.rmtree(base, ignore_errors=True)


_COLLECTORS = {"parallel": PARALLEL_THROUGHPUT, "g1": G1_LOW_PAUSE}


def main() -> None:
    """Print the Kafka path figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200_000, help="changes per phase")
    parser.add_argument("--rate", type=int, default=5_000, help="offered changes/s (0: skip)")
    parser.add_argument("--seconds", type=float, default=20.0, help="latency run length")
    parser.add_argument("--connect-heap", default="1g", help="the Connect worker's -Xmx/-Xms")
    parser.add_argument(
        "--connect-young", default="", help="its young generation -Xmn (default: GC sizes it)"
    )
    parser.add_argument(
        "--connect-gc", choices=sorted(_COLLECTORS), default="parallel", help="its collector"
    )
    parser.add_argument(
        "--stock-converter",
        action="store_true",
        help="Kafka's JsonConverter instead of Riverbed's schema-caching one",
    )
    parser.add_argument(
        "--stock-connector",
        action="store_true",
        help="Debezium's PostgresConnector instead of Riverbed's (brief last-event metric)",
    )
    args = parser.parse_args()
    tune_gc()  # as `riverbed sync run` does
    f = kafka_figures(
        args.changes,
        rate=args.rate,
        seconds=args.seconds,
        connect_options={
            "heap": args.connect_heap,
            "young": args.connect_young,
            "gc": _COLLECTORS[args.connect_gc],
            "plugin": not args.stock_converter,
        },
        stock_connector=args.stock_connector,
    )
    print(f"Kafka path, {int(f['changes']):,} mixed changes per phase, {os.cpu_count()} cores")
    rows = [
        ("capture  (Postgres -> Debezium/Connect -> Kafka)", "capture_events_s", ""),
        ("apply    (Kafka -> sync consumer -> DuckDB)", "apply_events_s", ""),
        (
            "pipeline (sustained, all running, end to end)",
            "pipeline_events_s",
            " (target >= 25,000)",
        ),
    ]
    for label, key, note in rows:
        print(f"  {label:<50} {f[key]:>9,.0f} events/s{note}")
    print(
        f"  {'  (the writer alone committed them at':<50} {f['written_events_s']:>9,.0f} events/s)"
    )
    print(
        f"  {'  (all in Kafka after':<50} {f['pipeline_in_kafka_s']:>9.2f} s"
        f" of {f['pipeline_s']:.2f} s)"
    )
    if "latency_p99_s" in f:
        print(
            f"  latency at {f['offered_changes_s']:,.0f} changes/s offered (commit -> DuckDB):"
            f" p50 {f['latency_p50_s']:.3f} s, p95 {f['latency_p95_s']:.3f} s,"
            f" p99 {f['latency_p99_s']:.3f} s"
        )


if __name__ == "__main__":
    main()
