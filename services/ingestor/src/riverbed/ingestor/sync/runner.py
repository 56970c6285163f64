"""The apply loop: batch from a source -> collapse -> one sink transaction -> source commit."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from riverbed.ingestor.sync.collapse import collapse
from riverbed.ingestor.sync.metrics import SyncMetrics, metrics
from riverbed.ingestor.sync.sinks.base import Sink
from riverbed.ingestor.sync.sources.base import Batch, Source

__all__ = ["RunStats", "SyncRunner", "tune_gc"]

log = logging.getLogger(__name__)


def tune_gc(young: int = 100_000) -> None:
    """Run Python's young collection every `young` allocations (not 700) and freeze start-up.

    A batch allocates a dict per row image and a ChangeEvent per change, all alive until the
    batch commits: at the default threshold the collector walks them again and again while a
    batch is parsed, which cost the embedded consumer about 15% of its throughput. They form
    no reference cycles, so collecting less often holds no more memory. Process-wide: called
    by `riverbed sync run`, not by library code.
    """
    gc.freeze()  # what start-up loaded stays: no full collection walks it again
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)


@dataclass
class RunStats:
    """What one `run()` did."""

    batches: int = 0
    events: int = 0
    dead_letters: int = 0
    started: float = field(default_factory=time.monotonic)
    last_lag_s: float | None = None

    @property
    def elapsed(self) -> float:
        """Return seconds since the run started."""
        return time.monotonic() - self.started


class SyncRunner:
    """Drive one source into one sink; stop gracefully after the batch in flight."""

    def __init__(
        self,
        source: Source,
        sink: Sink,
        *,
        idle_release_s: float = 0.2,
        sync_metrics: SyncMetrics | None = None,
        snapshot_idle_s: float = 2.0,
    ) -> None:
        self.source = source
        self.sink = sink
        self.idle_release_s = idle_release_s
        self.snapshot_idle_s = snapshot_idle_s
        # a source that knows which tables its snapshots cover lets the sink reconcile the
        # empty ones too (other sources: only the tables a snapshot had records of)
        sink.snapshot_scope = tuple(getattr(source, "snapshot_scope", ()))
        self.metrics = sync_metrics or metrics()
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask the loop to stop once the current batch is committed."""
        self._stop.set()
        self.source.stop()

    def apply(self, batch: Batch) -> None:
        """Apply one batch; commit it at the source only after the sink committed."""
        t0 = time.perf_counter()
        try:
            col = collapse(batch.events)
            result = self.sink.apply(col.tables, [*batch.dead_letters, *col.dead_letters])
        except BaseException as exc:
            batch.abort(exc)
            raise
        batch.commit()
        took = time.perf_counter() - t0
        m = self.metrics
        m.batches.inc()
        m.batch_seconds.observe(took)
        ops = Counter((e.table, e.op) for e in batch.events)
        for (table, op), n in ops.items():
            m.events.labels(table=table, op=op).inc(n)
        now = datetime.now(UTC)
        lags = {}
        for e in batch.events:
            if e.commit_ts is not None:
                lags[e.table] = (now - e.commit_ts).total_seconds()
        for table, lag in lags.items():
            m.lag.labels(table=table).set(lag)
        if result.dead_letters:
            m.dead_letters.inc(result.dead_letters)
        if result.schema_changes:
            m.schema_changes.inc(len(result.schema_changes))
        log.info(
            "batch applied",
            extra={
                "events": len(batch.events),
                "dead_letters": result.dead_letters,
                "tables": result.applied,
                "apply_s": round(took, 4),
                "lag_s": round(max(lags.values()), 3) if lags else None,
                "schema_changes": result.schema_changes or None,
            },
        )

    def run(
        self,
        *,
        until_idle: float | None = None,
        timeout: float | None = None,
        startup_grace: float = 120.0,
    ) -> RunStats:
        """Run until stopped; with `until_idle`, until no batch came for that long.

        The idle clock starts with the first batch (or after `startup_grace` seconds), so a
        slow engine start does not look like "caught up".
        """
        stats = RunStats()
        idle_since = time.monotonic()
        deadline = None if timeout is None else time.monotonic() + timeout
        # A source that allows it gets its next batch fetched and parsed while the sink applies
        # the previous one (DuckDB and BigQuery work without the GIL); at most one batch is in
        # flight, and batches still commit one after the other, each after its sink commit.
        ahead = (
            ThreadPoolExecutor(1, thread_name_prefix="sync-apply")
            if getattr(self.source, "apply_ahead", False)
            else None
        )
        in_flight: Future[None] | None = None

        def settle() -> None:
            """Wait for the batch in flight; raise its failure."""
            nonlocal in_flight
            if in_flight is not None:
                done, in_flight = in_flight, None
                done.result()

        try:
            for batch in self.source.batches(idle_timeout=self.idle_release_s):
                if batch is None:
                    settle()
                    if time.monotonic() - idle_since >= self.snapshot_idle_s:
                        self.sink.finish_snapshot()  # a snapshot whose end was not marked
                    self.sink.release()
                    started = stats.batches > 0 or stats.elapsed > startup_grace
                    if (
                        until_idle is not None
                        and started
                        and time.monotonic() - idle_since >= until_idle
                    ):
                        break
                else:
                    if ahead is not None:
                        settle()
                        in_flight = ahead.submit(self.apply, batch)
                    else:
                        self.apply(batch)
                    stats.batches += 1
                    stats.events += len(batch.events)
                    stats.dead_letters += len(batch.dead_letters)
                    idle_since = time.monotonic()
                if self._stop.is_set():
                    break
                if deadline is not None and time.monotonic() > deadline:
                    break
            settle()
        finally:
            if ahead is not None:
                if in_flight is not None and in_flight.exception() is not None:
                    log.error("the batch in flight failed: %s", in_flight.exception())
                ahead.shutdown(wait=True)
            self.source.close()
            self.sink.close()
        return stats
