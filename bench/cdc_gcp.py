"""CDC benchmark of the Google Cloud path: Postgres -> Debezium Server -> Pub/Sub -> BigQuery.

Everything runs here: Debezium Server (Maven Central distribution), Google's Pub/Sub fake
(pstest) and the BigQuery emulator (bqemulator on DuckDB). It prints the sustained rate of
draining a backlog (first batch -> last event committed in BigQuery) and the commit-to-commit
latency at a fixed offered rate. Emulator figures, not BigQuery's: they measure our consumer
(pull, collapse, staging load, one MERGE per table) plus the emulators' own costs.

    uv run python bench/cdc.py --source pubsub --sink bigquery [--changes 20000]
    uv run python bench/cdc_gcp.py [--changes 20000] [--rate 500] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cdc import (  # noqa: E402
    TimedApply,
    mixed_workload,
    paced_workload,
    seed_videos,
    wait_for,
)
from riverbed.core.migrations import upgrade  # noqa: E402
from riverbed.core.settings import load_settings  # noqa: E402
from riverbed.ingestor.sync.capture import prepare_source  # noqa: E402
from riverbed.ingestor.sync.runner import SyncRunner, tune_gc  # noqa: E402
from riverbed.ingestor.sync.settings import SyncSettings  # noqa: E402
from riverbed.ingestor.sync.sinks.bigquery import BigQuerySettings, BigQuerySink  # noqa: E402
from riverbed.ingestor.sync.sources.pubsub import (  # noqa: E402
    PubSubSettings,
    PubSubSource,
    ensure_topology,
)
from riverbed.local import LocalPostgres  # noqa: E402
from riverbed.local.bigquery import LocalBigQuery  # noqa: E402
from riverbed.local.debezium_server import DebeziumServer  # noqa: E402
from riverbed.local.pubsub import LocalPubSub  # noqa: E402


class TimedBigQuerySink(TimedApply, BigQuerySink):
    """The BigQuery sink recording per batch its event count and commit latencies."""


def gcp_figures(changes: int, rate: int, seconds: float, base: Path) -> dict[str, float]:
    """Measure Debezium Server -> pstest -> PubSubSource -> BigQuery sink on the emulators."""
    pg = LocalPostgres(base / "pg", fast=True).start()
    pubsub = LocalPubSub(base / "pubsub").start()
    bq = LocalBigQuery(base / "bigquery").start()
    dbz: DebeziumServer | None = None
    try:
        url = pg.create_database("bench")
        upgrade(url)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        seed_videos(plain)
        os.environ["DATABASE_URL"] = url
        os.environ["PUBSUB_EMULATOR_HOST"] = pubsub.emulator_host
        settings = load_settings(SyncSettings, home=base / "home", metrics_port=0)
        prepare_source(settings)
        ps = PubSubSettings(topic=f"bench-{uuid.uuid4().hex[:6]}", linger_s=0.2)
        ensure_topology(ps)
        info = psycopg.conninfo.conninfo_to_dict(plain)
        dbz = DebeziumServer(
            base / "dbz",
            {
                "RIVERBED_PUBSUB_EMULATOR_ADDRESS": pubsub.emulator_host,
                "RIVERBED_PUBSUB_PROJECT": ps.project,
                "RIVERBED_PUBSUB_TOPIC": ps.topic,
                "RIVERBED_CDC_PG_HOST": "127.0.0.1",
                "RIVERBED_CDC_PG_PORT": str(info["port"]),
                "RIVERBED_CDC_PG_USER": str(info["user"]),
                "RIVERBED_CDC_PG_PASSWORD": str(info.get("password") or ""),
                "RIVERBED_CDC_PG_DATABASE": "bench",
                "RIVERBED_CDC_SLOT": settings.slot_name,
                "RIVERBED_CDC_PUBLICATION": settings.publication_name,
                "RIVERBED_CDC_PUBLICATION_AUTOCREATE": "disabled",
            },
        ).start()
        sink = TimedBigQuerySink(
            BigQuerySettings(endpoint=bq.endpoint, project=bq.project, bignumeric=False)
        )
        runner = SyncRunner(PubSubSource(settings, pubsub=ps), sink, idle_release_s=0.5)
        thread = threading.Thread(target=runner.run, daemon=True)
        thread.start()
        wait_for(lambda: sink.applied >= 11, 300, "snapshot through Debezium Server", poll=0.1)
        print(f"writing {changes} changes...", flush=True)
        sink.applied, sink.first_at, sink.batches = 0, None, 0
        n = mixed_workload(plain, changes)
        wait_for(lambda: sink.applied >= n, 3600, "drain", poll=0.1)
        assert sink.first_at is not None
        sustained = n / max(sink.last_at - sink.first_at, 1e-6)
        batches = sink.batches
        print(f"pubsub->bigquery: {n} changes drained at {sustained:,.0f} events/s", flush=True)
        sink.record_latency, sink.latencies = True, []
        before = sink.applied
        offered = paced_workload(plain, rate, seconds)
        wait_for(lambda: sink.applied - before >= offered, 600, "latency run", poll=0.1)
        runner.stop()
        thread.join(60)
        q = statistics.quantiles(sorted(sink.latencies), n=100)
        return {
            "changes": float(n),
            "batches": float(batches),
            "sustained_events_s": sustained,
            "offered_changes_s": offered / seconds,
            "latency_p50_s": q[49],
            "latency_p95_s": q[94],
            "latency_p99_s": q[98],
        }
    finally:
        if dbz is not None:
            dbz.stop()
        bq.stop()
        pubsub.stop()
        pg.destroy()


def report(f: dict[str, float]) -> None:
    """Print the figures of gcp_figures()."""
    print(
        f"pubsub->bigquery (emulators): {f['changes']:.0f} changes in {f['batches']:.0f} batches"
        f" | sustained {f['sustained_events_s']:,.0f} events/s"
    )
    print(
        f"pubsub->bigquery (emulators): latency at {f['offered_changes_s']:,.0f} changes/s"
        f" offered: p50 {f['latency_p50_s']:.2f} s, p95 {f['latency_p95_s']:.2f} s,"
        f" p99 {f['latency_p99_s']:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    tune_gc()  # as `riverbed sync run` does
    print(f"cores: {os.cpu_count()}")
    base = Path(tempfile.mkdtemp(prefix="bench-cdc-gcp-"))
    report(gcp_figures(args.changes, args.rate, args.seconds, base))


if __name__ == "__main__":
    main()
