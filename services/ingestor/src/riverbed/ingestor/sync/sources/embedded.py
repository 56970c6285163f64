"""The embedded source: Debezium inside this process through pydbzengine (no broker).

Debezium calls the batch consumer (`_jvm`) on its own thread; the handler parses the batch,
hands it to the apply loop and blocks until the loop commits (or aborts) it. Only when the
handler returns True does Debezium mark the records processed and flush its file-backed
offsets, so the offsets never run ahead of the OLAP store.
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
from riverbed.ingestor.sync.sources._jvm import Record, create_engine
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
        self._skip_tables = {settings.heartbeat_table}
        # what a snapshot of this engine covers: every captured table, empty ones included
        self.snapshot_scope: tuple[str, ...] = tuple(settings.tables)

    def _handle(self, records: list[Record]) -> bool:
        """Parse a batch and wait until the apply loop committed it; False when stopping."""
        if self._stopping.is_set():
            return self._refuse()
        self._offsets.refresh()  # the previous batch's offsets are flushed by now
        events: list[ChangeEvent] = []
        dead: list[DeadLetter] = []
        for topic, key, value, key_schema, value_schema in records:
            item = parse_or_dead_letter(
                key, value, topic=topic, key_schema=key_schema, value_schema=value_schema
            )
            if isinstance(item, DeadLetter):
                dead.append(item)
            elif item.table not in self._skip_tables:
                events.append(item)
        if not events and not dead:
            return True
        pending = _Pending()
        batch = Batch(events=events, dead_letters=dead, commit=pending.commit, abort=pending.abort)
        while not self._stopping.is_set():
            try:
                self._queue.put(batch, timeout=0.2)
                break
            except queue.Full:
                continue
        while not pending.done.wait(0.2):
            if self._stopping.is_set() and not pending.done.is_set():
                return self._refuse()  # stopped before the batch was committed
        if pending.error is not None:  # aborted: the apply loop reports the error
            return self._refuse()
        return True

    def _refuse(self) -> bool:
        """Refuse the batch (it stays unmarked and is replayed after a restart)."""
        self._refused.set()
        return False

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
