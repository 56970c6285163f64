"""The Pub/Sub source: streaming pull of Debezium envelopes; ack only after the sink committed.

Debezium Server publishes every change with ordering key = the row's primary key (JSON) to one
topic; the subscription has message ordering on, so the changes of one row arrive in commit
order, to one consumer at a time, even with several consumer instances on the subscription.
Messages that are not Debezium envelopes are republished to the dead-letter topic (with the
reason as an attribute) and acked with the batch; a batch the sink rejects is nacked and
redelivered. Replays after a crash are harmless: the sink's LSN guard skips what it has.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import pubsub_v1  # type: ignore[attr-defined]
from google.cloud.pubsub_v1.subscriber.message import Message

from riverbed.core.cdc import ChangeEvent, DeadLetter, parse_or_dead_letter
from riverbed.core.errors import ServiceError
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources._pubsub_admin import PubSubSettings, ensure_topology
from riverbed.ingestor.sync.sources.base import Batch

__all__ = ["PubSubSettings", "PubSubSource", "ensure_topology"]

log = logging.getLogger(__name__)


class PubSubSource:
    """Batches of change events pulled from one Pub/Sub subscription."""

    name = "pubsub"

    def __init__(
        self,
        settings: SyncSettings,
        *,
        pubsub: PubSubSettings | None = None,
        max_batch: int | None = None,
        create: bool | None = None,
    ) -> None:
        self.settings = settings
        self.ps = pubsub or load_settings(PubSubSettings)
        self.max_batch = max_batch or max(settings.max_batch_size, 1)
        self._skip_tables = {settings.heartbeat_table}
        # Against the emulator nothing is provisioned: create what is missing.
        if create if create is not None else self.ps.emulator is not None:
            ensure_topology(self.ps)
        self.subscriber = pubsub_v1.SubscriberClient()
        self.publisher = pubsub_v1.PublisherClient()
        self.subscription = self.subscriber.subscription_path(self.ps.project, self.ps.subscription)
        self.dead_topic = self.publisher.topic_path(self.ps.project, self.ps.dead_letter)
        self._queue: queue.Queue[Message] = queue.Queue()
        self._future: Any = None
        self._stop = threading.Event()
        self._closed = False

    # ---- Source protocol -------------------------------------------------------------------
    def batches(self, idle_timeout: float = 1.0) -> Iterator[Batch | None]:
        """Yield batches of up to `max_batch` messages; None after `idle_timeout` s idle."""
        self._start()
        while not self._stop.is_set():
            messages = self._gather(idle_timeout)
            if not messages:
                self._check_stream()
                yield None
                continue
            yield self._batch(messages)

    def stop(self) -> None:
        """Ask `batches()` to end after the batch being applied."""
        self._stop.set()

    def close(self) -> None:
        """Stop pulling, hand leased-but-unapplied messages back, close clients (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._future is not None:
            self._future.cancel()
            with contextlib.suppress(Exception):  # a cancelled stream reports its cancellation
                self._future.result(timeout=10)
        while True:
            try:
                self._queue.get_nowait().nack()
            except queue.Empty:
                break
        self.subscriber.close()

    # ---- internals -------------------------------------------------------------------------
    def _start(self) -> None:
        if self._future is not None:
            return
        flow = pubsub_v1.types.FlowControl(
            max_messages=self.ps.max_outstanding, max_lease_duration=3600
        )
        try:
            self._future = self.subscriber.subscribe(
                self.subscription, callback=self._queue.put, flow_control=flow
            )
        except gexc.GoogleAPICallError as exc:
            raise ServiceError(f"cannot pull from {self.subscription}: {exc}") from None
        log.info("pulling from %s", self.subscription)

    def _check_stream(self) -> None:
        future = self._future
        if future is not None and future.done() and not self._stop.is_set():
            try:
                future.result(timeout=0)
            except gexc.NotFound:
                raise ServiceError(f"subscription {self.subscription} does not exist") from None
            except Exception as exc:
                raise ServiceError(f"Pub/Sub streaming pull failed: {exc}") from None
            raise ServiceError("Pub/Sub streaming pull ended")

    def _gather(self, idle_timeout: float) -> list[Message]:
        """Wait up to `idle_timeout` for a message, then collect more for `linger_s`."""
        try:
            first = self._queue.get(timeout=idle_timeout)
        except queue.Empty:
            return []
        out = [first]
        deadline = time.monotonic() + self.ps.linger_s
        while len(out) < self.max_batch:
            left = deadline - time.monotonic()
            try:
                out.append(
                    self._queue.get(timeout=max(left, 0)) if left > 0 else self._queue.get_nowait()
                )
            except queue.Empty:
                break
        return out

    def _batch(self, messages: list[Message]) -> Batch:
        events: list[ChangeEvent] = []
        dead: list[tuple[DeadLetter, Message]] = []
        for msg in messages:
            # The ordering key carries the record key (JSON); a record without key (TRUNCATE)
            # gets Debezium Server's `null.key` placeholder, which is not a key.
            key = msg.ordering_key or msg.attributes.get("key") or None
            if key is not None and not key.lstrip().startswith("{"):
                key = None
            parsed = parse_or_dead_letter(key, msg.data or None, topic=self.ps.topic)
            if isinstance(parsed, DeadLetter):
                parsed.offset = None
                log.warning("dead letter %s: %s", msg.message_id, parsed.reason)
                dead.append((parsed, msg))
            elif parsed.table not in self._skip_tables:
                events.append(parsed)
        return Batch(
            events=events,
            dead_letters=[d for d, _ in dead],
            commit=lambda: self._commit(messages, dead),
            abort=lambda exc: self._abort(messages, exc),
        )

    def _commit(self, messages: list[Message], dead: list[tuple[DeadLetter, Message]]) -> None:
        """Republish unparseable messages to the dead-letter topic, then ack the batch."""
        futures = [
            self.publisher.publish(
                self.dead_topic,
                msg.data,
                reason=d.reason[:1024],
                subscription=self.ps.subscription,
                message_id=msg.message_id,
                ordering_key_of_origin=msg.ordering_key or "",
            )
            for d, msg in dead
        ]
        for f in futures:
            f.result(timeout=60)
        for msg in messages:
            msg.ack()

    def _abort(self, messages: list[Message], exc: BaseException) -> None:
        """Nack a failed batch: Pub/Sub redelivers it (in key order)."""
        log.warning("batch failed (%s); nacking %d message(s)", exc, len(messages))
        for msg in messages:
            msg.nack()
