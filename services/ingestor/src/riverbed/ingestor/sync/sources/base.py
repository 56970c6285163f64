"""The Source protocol: a stream of Batches whose offsets advance only once the sink committed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from riverbed.core.cdc import ChangeEvent, DeadLetter

__all__ = ["Batch", "Source", "SourceFactory"]


def _noop() -> None:
    return None


def _noop_abort(exc: BaseException) -> None:
    return None


@dataclass
class Batch:
    """Events (in stream order) and dead letters of one delivery.

    The apply loop calls `commit()` only after the sink committed the batch, so the source
    may then advance its offsets (Kafka commit, Debezium offset file). On failure it calls
    `abort(exc)` instead and the source redelivers from its last committed offset.
    """

    events: list[ChangeEvent]
    dead_letters: list[DeadLetter] = field(default_factory=list)
    commit: Callable[[], None] = _noop
    abort: Callable[[BaseException], None] = _noop_abort
    received_at: float = field(default_factory=time.time)

    def __len__(self) -> int:
        return len(self.events) + len(self.dead_letters)


@runtime_checkable
class Source(Protocol):
    """A source of change batches (embedded Debezium, Kafka topics, Pub/Sub, ...)."""

    name: str

    def batches(self, idle_timeout: float = 1.0) -> Iterator[Batch | None]:
        """Yield batches in stream order; yield None after `idle_timeout` s without data."""
        ...

    def stop(self) -> None:
        """Ask the source to stop; `batches()` ends after the batch being applied."""
        ...

    def close(self) -> None:
        """Release connections, threads and processes (idempotent)."""
        ...


# Builds a source from the ingestor settings (typed loosely to keep this module import-light).
SourceFactory = Callable[..., Source]
