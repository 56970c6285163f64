"""The Kafka source: consume Debezium topics; commit offsets only after the sink committed."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition

from riverbed.core.cdc import ChangeEvent, DeadLetter, parse_or_dead_letter
from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources.base import Batch

__all__ = ["KafkaSource", "topic_pattern"]

log = logging.getLogger(__name__)
_rdkafka_log = logging.getLogger(f"{__name__}.librdkafka")

# Errors that only say a subscribed topic does not exist yet, or that a partition is drained.
_BENIGN = {
    KafkaError._PARTITION_EOF,
    KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._UNKNOWN_TOPIC,
    KafkaError._UNKNOWN_PARTITION,
}


def topic_pattern(prefix: str, tables: Iterable[str]) -> str:
    """Return the regex subscription matching `prefix.schema.table` of the captured tables."""
    names = []
    for table in tables:
        qualified = table if "." in table else f"public.{table}"
        names.append(re.escape(qualified))
    return f"^{re.escape(prefix)}\\.({'|'.join(sorted(names))})$"


class KafkaSource:
    """Batches of change events read from the Debezium topics of the captured tables.

    Offsets are committed synchronously in `Batch.commit()`, which the apply loop calls only
    once the sink transaction committed; `Batch.abort()` seeks back so the batch is redelivered.
    A consumer killed in between redelivers the batch, and the sink's LSN check ignores the
    replayed events, so every change takes effect exactly once.
    """

    name = "kafka"
    # The apply loop may fetch and parse the next batch while the sink applies this one:
    # commits still follow the sink commits in order, from the loop's apply thread
    # (librdkafka's consumer is thread-safe).
    apply_ahead = True

    def __init__(
        self,
        settings: SyncSettings,
        *,
        bootstrap_servers: str | None = None,
        topic_prefix: str | None = None,
        group_id: str | None = None,
        max_batch: int | None = None,
        linger: float = 0.05,
        extra_config: dict[str, Any] | None = None,
    ) -> None:
        bootstrap_servers = bootstrap_servers or settings.kafka_bootstrap_servers
        group_id = group_id or settings.kafka_group_id
        self.bootstrap_servers = bootstrap_servers
        self.pattern = topic_pattern(
            topic_prefix or settings.kafka_topic_prefix, settings.qualified_tables
        )
        self.group_id = group_id
        self.max_batch = max_batch or max(settings.max_batch_size, 1)
        self.linger = linger
        self._stop = threading.Event()
        self._closed = False
        self._last_error: dict[int, float] = {}
        config: dict[str, Any] = {
            "bootstrap.servers": bootstrap_servers,
            "group.id": group_id,
            # A short session lets a restarted consumer take over from a killed one quickly.
            # (No static membership: librdkafka treats the fencing that follows a broker
            # restart as fatal.)
            "session.timeout.ms": 6_000,
            "heartbeat.interval.ms": 1_000,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": False,
            "topic.metadata.refresh.interval.ms": 2_000,
            "fetch.wait.max.ms": 50,
            "fetch.min.bytes": 1,
            "queued.max.messages.kbytes": 262_144,
            "max.partition.fetch.bytes": 16_777_216,
            "reconnect.backoff.max.ms": 1_000,
            "log_level": 2,
            "error_cb": self._on_error,
        }
        config.update(extra_config or {})
        try:
            self.consumer = Consumer(config, logger=_rdkafka_log)
            self.consumer.subscribe([self.pattern])
        except KafkaException as exc:
            raise ServiceError(f"cannot consume from Kafka at {bootstrap_servers}: {exc}") from None

    # ---- Source protocol -------------------------------------------------------------------
    def batches(self, idle_timeout: float = 1.0) -> Iterator[Batch | None]:
        """Yield batches of up to `max_batch` records; None after `idle_timeout` s idle."""
        idle_since = time.monotonic()
        while not self._stop.is_set():
            messages = self._consume()
            if not messages:
                if time.monotonic() - idle_since >= idle_timeout:
                    idle_since = time.monotonic()
                    yield None
                continue
            idle_since = time.monotonic()
            yield self._batch(messages)

    def stop(self) -> None:
        """Ask `batches()` to end after the batch being applied."""
        self._stop.set()

    def close(self) -> None:
        """Leave the group and close the consumer (idempotent); uncommitted work is redelivered."""
        if self._closed:
            return
        self._closed = True
        try:
            self.consumer.close()
        except (KafkaException, RuntimeError) as exc:
            log.warning("closing the Kafka consumer failed: %s", exc)

    # ---- internals -------------------------------------------------------------------------
    def _on_error(self, err: KafkaError) -> None:
        """Log client errors (broker down, ...) at most every 5 s per kind; it reconnects."""
        now = time.monotonic()
        if now - self._last_error.get(err.code(), 0.0) >= 5.0:
            self._last_error[err.code()] = now
            log.warning("Kafka client: %s", err.str())

    def _consume(self) -> list[Message]:
        """Return the next records: wait for the first, then gather for `linger` seconds."""
        out: list[Message] = []
        deadline = None
        while len(out) < self.max_batch and not self._stop.is_set():
            wait = 0.2 if deadline is None else max(0.0, deadline - time.monotonic())
            got = self.consumer.consume(self.max_batch - len(out), timeout=wait)
            for msg in got:
                err = msg.error()
                if err is None:
                    out.append(msg)
                elif err.code() in _BENIGN:
                    continue
                elif err.fatal():
                    raise ServiceError(f"Kafka consumer failed: {err.str()}")
                else:
                    log.warning("Kafka consumer: %s", err.str())
            if deadline is None:
                if not out:
                    return out
                deadline = time.monotonic() + self.linger
            elif time.monotonic() >= deadline:
                break
        return out

    def _batch(self, messages: list[Message]) -> Batch:
        events: list[ChangeEvent] = []
        dead: list[DeadLetter] = []
        first: dict[tuple[str, int], int] = {}
        last: dict[tuple[str, int], int] = {}
        for msg in messages:
            topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
            tp = (str(topic), int(partition or 0))
            first.setdefault(tp, int(offset or 0))
            last[tp] = int(offset or 0)
            parsed = parse_or_dead_letter(
                msg.key(), msg.value(), topic=topic, partition=partition, offset=offset
            )
            if isinstance(parsed, DeadLetter):
                log.warning("dead letter %s[%s]@%s: %s", topic, partition, offset, parsed.reason)
                dead.append(parsed)
            else:
                events.append(parsed)
        commit_offsets = [TopicPartition(t, p, o + 1) for (t, p), o in last.items()]
        rewind = [TopicPartition(t, p, o) for (t, p), o in first.items()]
        return Batch(
            events=events,
            dead_letters=dead,
            commit=lambda: self._commit(commit_offsets),
            abort=lambda exc: self._rewind(rewind, exc),
        )

    def _commit(self, offsets: list[TopicPartition], attempts: int = 20) -> None:
        """Commit offsets synchronously; retry while the broker is away (replays are harmless)."""
        for attempt in range(attempts):
            try:
                self.consumer.commit(offsets=offsets, asynchronous=False)
                return
            except KafkaException as exc:
                log.warning("offset commit failed (attempt %d): %s", attempt + 1, exc)
                if self._stop.is_set():
                    return
                time.sleep(0.5)
        log.error("offsets not committed; the batch will be replayed and skipped by LSN")

    def _rewind(self, offsets: list[TopicPartition], exc: BaseException) -> None:
        """Seek back to the start of a failed batch so that it is delivered again."""
        log.warning("batch failed (%s); rewinding %d partition(s)", exc, len(offsets))
        for tp in offsets:
            try:
                self.consumer.seek(tp)
            except KafkaException as err:
                log.warning("seek %s[%d] failed: %s", tp.topic, tp.partition, err)
