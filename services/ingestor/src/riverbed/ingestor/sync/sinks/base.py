"""The Sink base: capabilities as class constants and the few operations the apply loop needs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import pyarrow as pa

from riverbed.core.cdc import ChangeEvent, Column, DeadLetter, Position

__all__ = ["META_COLUMNS", "ApplyResult", "Sink", "TableChanges", "TableStatus"]

# Metadata columns every mirror table carries besides the source columns.
META_COLUMNS = ("_lsn", "_op_ts", "_deleted")


@dataclass
class TableChanges:
    """The changes of one table in one batch, already collapsed by the apply loop.

    `truncate` (if any) is applied first; `rows` holds the last event per key (deletes
    included) of what followed it; `events` every event for the change log, in order.
    `columns` is the newest column list seen in the batch (None when the source sent none).
    """

    schema: str
    table: str
    key_columns: tuple[str, ...]
    rows: list[ChangeEvent] = field(default_factory=list)
    events: list[ChangeEvent] = field(default_factory=list)
    truncate: ChangeEvent | None = None
    columns: tuple[Column, ...] | None = None
    position: Position = (0, 0)
    # snapshot records in this batch: their LSN (one per snapshot), and whether the batch holds
    # the snapshot's first / last record (of all tables)
    snapshot_lsn: int | None = None
    snapshot_first: bool = False
    snapshot_last: bool = False
    streamed: bool = False  # holds changes streamed after a snapshot (not snapshot records)

    @property
    def name(self) -> str:
        """Return `schema.table`."""
        return f"{self.schema}.{self.table}"


@dataclass
class ApplyResult:
    """What one committed batch did, per table."""

    applied: dict[str, int] = field(default_factory=dict)
    logged: dict[str, int] = field(default_factory=dict)
    dead_letters: int = 0
    schema_changes: list[str] = field(default_factory=list)


@dataclass
class TableStatus:
    """One mirrored table as the sink sees it."""

    table: str
    rows: int
    deleted: int
    last_lsn: int | None
    last_op_ts: datetime | None
    last_applied_at: datetime | None
    last_lag_s: float | None = None  # commit in the source -> commit in the sink, last batch


class Sink(ABC):
    """An OLAP store the apply loop writes to; one subclass per store, in its own folder."""

    NAME: ClassVar[str]
    # One batch (all tables, change logs, dead letters, positions) commits atomically.
    ATOMIC_BATCHES: ClassVar[bool] = True
    # Mirrors are written with one set-based MERGE/upsert per table per batch.
    SET_BASED_MERGE: ClassVar[bool] = True
    # Added source columns appear without restart; dropped ones stop being written.
    SCHEMA_EVOLUTION: ClassVar[bool] = True
    # Other processes can read (status, verify, analytics) while the consumer runs.
    CONCURRENT_READERS: ClassVar[bool] = True
    # Every table a snapshot covers (set by the apply loop when the source knows it).
    snapshot_scope: tuple[str, ...] = ()
    # The pending snapshot: its LSN per table seen so far (per instance, made on first use),
    # and whether finish_snapshot() declared it ended.
    _snapshot_seen: dict[str, int] | None = None
    _snapshot_idle: bool = False

    @abstractmethod
    def positions(self) -> dict[str, Position]:
        """Return the last committed stream position per `schema.table`."""

    @abstractmethod
    def apply(
        self, changes: Sequence[TableChanges], dead_letters: Sequence[DeadLetter]
    ) -> ApplyResult:
        """Apply one collapsed batch in one transaction; raise on failure (nothing applied)."""

    @abstractmethod
    def status(self) -> list[TableStatus]:
        """Return the state of every mirrored table."""

    @abstractmethod
    def read_live(self, table: str, columns: Sequence[str]) -> pa.Table:
        """Return the live (not deleted) rows of one mirror table, `columns` only."""

    @abstractmethod
    def dead_letters(self, limit: int = 100) -> list[Mapping[str, Any]]:
        """Return the newest dead letters."""

    def snapshot_ended(self, changes: Sequence[TableChanges]) -> tuple[int, list[str]] | None:
        """Track the tables a snapshot covers; once it ended, return (LSN, tables).

        Rows of those tables older than the snapshot's LSN were not in it: they were deleted
        while nothing was captured (a snapshot taken again over an existing mirror). The end
        is its last record, the first streamed change, or `finish_snapshot()` when the source
        went idle (Debezium marks no last record when the last table is empty). Call
        `snapshot_reconciled()` once the batch that reconciles them committed.
        """
        if self._snapshot_seen is None:
            self._snapshot_seen = {}
        seen = self._snapshot_seen
        if any(tc.snapshot_first for tc in changes):
            seen.clear()
        for tc in changes:
            if tc.snapshot_lsn is not None:
                seen[tc.table] = tc.snapshot_lsn
        ended = self._snapshot_idle or any(tc.snapshot_last or tc.streamed for tc in changes)
        if not seen or not ended:
            return None
        lsn = max(seen.values())
        tables = {t for t, at in seen.items() if at == lsn} | set(self.snapshot_scope)
        return lsn, sorted(tables)

    def snapshot_pending(self) -> bool:
        """Tell whether snapshot records arrived whose snapshot has not been reconciled."""
        return bool(self._snapshot_seen)

    def finish_snapshot(self) -> None:
        """Reconcile the pending snapshot now (the source is idle: it has ended)."""
        if not self.snapshot_pending():
            return
        self._snapshot_idle = True
        try:
            self.apply([], [])
        finally:
            self._snapshot_idle = False

    def snapshot_reconciled(self) -> None:
        """Forget the tables of the snapshot that just ended."""
        if self._snapshot_seen:
            self._snapshot_seen.clear()

    def describe(self) -> str:
        """Return where this sink writes (a file, a dataset), for logs."""
        return self.NAME

    def release(self) -> None:  # noqa: B027 - optional hook
        """Let other processes in while the loop is idle (e.g. close a single-writer file)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""
