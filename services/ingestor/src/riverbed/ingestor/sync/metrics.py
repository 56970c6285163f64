"""Prometheus metrics of the sync consumer (prometheus-client, own registry)."""

from __future__ import annotations

from functools import cache

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

__all__ = ["SyncMetrics", "metrics", "serve_metrics"]


class SyncMetrics:
    """Counters, histograms and gauges the apply loop updates."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events = Counter(
            "riverbed_sync_events_applied",
            "Change events applied, per table and op",
            ["table", "op"],
            registry=registry,
        )
        self.batches = Counter(
            "riverbed_sync_batches", "Batches committed to the sink", registry=registry
        )
        self.batch_seconds = Histogram(
            "riverbed_sync_batch_apply_seconds",
            "Time to apply and commit one batch",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry,
        )
        self.lag = Gauge(
            "riverbed_sync_lag_seconds",
            "End-to-end lag: commit in Postgres to commit in the sink, last batch",
            ["table"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "riverbed_sync_dead_letters",
            "Messages sent to the dead-letter table",
            registry=registry,
        )
        self.schema_changes = Counter(
            "riverbed_sync_schema_changes", "Schema changes detected", registry=registry
        )


@cache
def metrics() -> SyncMetrics:
    """Return the process-wide metrics."""
    return SyncMetrics(CollectorRegistry())


def serve_metrics(port: int, addr: str = "0.0.0.0") -> None:
    """Expose /metrics on `port` (0: disabled)."""
    if port:
        start_http_server(port, addr=addr, registry=metrics().registry)
