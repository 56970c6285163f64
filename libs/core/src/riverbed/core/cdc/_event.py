"""The one change-event type every source produces and every sink consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "OPS",
    "UNAVAILABLE",
    "ChangeEvent",
    "Column",
    "DeadLetter",
    "Op",
    "Position",
    "Unavailable",
]

Op = Literal["c", "u", "d", "r", "t"]
OPS: frozenset[str] = frozenset({"c", "u", "d", "r", "t"})

# A stream position: (commit LSN of the previous transaction, LSN of the change); totally
# ordered along one replication stream, so replays can be recognised.
Position = tuple[int, int]


class Unavailable:
    """Marker for an unchanged TOAST value that Debezium did not send (keep the stored value)."""

    _instance: Unavailable | None = None

    def __new__(cls) -> Unavailable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNAVAILABLE"

    def __reduce__(self) -> str:
        return "UNAVAILABLE"


UNAVAILABLE = Unavailable()

# Parameters `column.propagate.source.type` adds to a column's schema.
SOURCE_TYPE = "__debezium.source.column.type"
SOURCE_LENGTH = "__debezium.source.column.length"
SOURCE_SCALE = "__debezium.source.column.scale"


@dataclass(frozen=True, slots=True)
class Column:
    """One column as described by a Debezium/Kafka Connect schema."""

    name: str
    type: str  # connect type: int8..int64, float32/64, boolean, string, bytes, struct, array, map
    logical: str | None = None  # e.g. io.debezium.time.MicroTimestamp
    optional: bool = True
    parameters: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        """Return one schema parameter (e.g. `scale`), or None."""
        for k, v in self.parameters:
            if k == name:
                return v
        return None

    def decimal_spec(self) -> tuple[int | None, int | None] | None:
        """Return (precision, scale) of a fixed-point column (None each if unknown), else None.

        Connect's `Decimal` carries them as parameters; with `decimal.handling.mode=string`
        a NUMERIC column is a string whose source length and scale say them.
        """
        if self.logical == "org.apache.kafka.connect.data.Decimal":
            return _int(self.param("connect.decimal.precision")), _int(self.param("scale"))
        source = (self.param(SOURCE_TYPE) or "").upper()
        if self.type == "string" and source in ("NUMERIC", "DECIMAL"):
            return _int(self.param(SOURCE_LENGTH)), _int(self.param(SOURCE_SCALE))
        return None


def _int(text: str | None) -> int | None:
    """Return `text` as an int, or None when it is absent or not a whole number."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


@dataclass(slots=True)
class ChangeEvent:
    """One row change (or a TRUNCATE) of one source table, decoded from a Debezium envelope.

    `before`/`after` hold decoded Python values (int, str, Decimal, datetime, date, ...);
    an unchanged TOAST column holds `UNAVAILABLE`. `key` holds the primary key columns.
    `tombstone` is set for the Kafka tombstone that follows a delete (then `op` is "d").
    `commit_ts` is when the change was committed in the source database; `source_ts` is when
    Debezium processed it (both UTC).
    """

    table: str
    op: Op
    key: dict[str, Any]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    lsn: int | None = None
    tx_id: int | None = None
    commit_ts: datetime | None = None
    source_ts: datetime | None = None
    schema: str = "public"
    last_commit_lsn: int | None = None
    snapshot: bool = False
    # Debezium's `source.snapshot` text: "first", "true", "last_in_data_collection", "last"...
    snapshot_marker: str | None = None
    tombstone: bool = False
    columns: tuple[Column, ...] | None = None
    raw: bytes | None = field(default=None, repr=False)

    @property
    def position(self) -> Position:
        """Return the stream position (previous commit LSN, change LSN); 0 when unknown."""
        return (self.last_commit_lsn or 0, self.lsn or 0)

    @property
    def row(self) -> dict[str, Any] | None:
        """Return the row image to apply: `after` for c/u/r, None for deletes and truncates."""
        return self.after if self.op in ("c", "u", "r") else None


@dataclass(slots=True)
class DeadLetter:
    """A message that could not be turned into a ChangeEvent, kept with its raw payload."""

    reason: str
    value: bytes | None
    key: bytes | None = None
    topic: str | None = None
    table: str | None = None
    partition: int | None = None
    offset: int | None = None
