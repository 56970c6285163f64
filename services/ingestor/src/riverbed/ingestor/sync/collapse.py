"""Collapse a batch of change events into one set of rows per table (last event per key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from riverbed.core.cdc import UNAVAILABLE, ChangeEvent, DeadLetter
from riverbed.ingestor.sync.sinks.base import TableChanges

__all__ = ["Collapsed", "collapse", "row_image"]


@dataclass
class Collapsed:
    """The per-table changes of one batch plus events that could not be applied."""

    tables: list[TableChanges] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


def row_image(ev: ChangeEvent) -> dict[str, Any]:
    """Return the values to store for an event: `after`, or for deletes `before`/the key."""
    if ev.op in ("c", "u", "r") and ev.after is not None:
        return ev.after
    image = dict(ev.before or {})
    image.update(ev.key)
    return image


def _fill_unavailable(ev: ChangeEvent, prev: ChangeEvent | None) -> None:
    """Replace UNAVAILABLE (unchanged TOAST) values from `before` or the previous event."""
    if ev.after is None:
        return
    after = dict(ev.after)
    prev_image = prev.after if prev is not None and prev.op in ("c", "u", "r") else None
    for col, value in after.items():
        if value is not UNAVAILABLE:
            continue
        if ev.before is not None and ev.before.get(col, UNAVAILABLE) is not UNAVAILABLE:
            after[col] = ev.before[col]
        elif prev_image is not None and prev_image.get(col, UNAVAILABLE) is not UNAVAILABLE:
            after[col] = prev_image[col]
    ev.after = after


def _older(ev: ChangeEvent, prev: ChangeEvent | None) -> bool:
    """Tell whether `ev` precedes `prev` in the source's log (both positioned)."""
    return (
        prev is not None
        and ev.lsn is not None
        and prev.lsn is not None
        and ev.position < prev.position
    )


def collapse(events: Sequence[ChangeEvent]) -> Collapsed:
    """Group events by table and keep the newest one per key (TRUNCATE resets the table).

    Newest is by stream position, not arrival: a transport may hand one key's changes over
    out of order (Pub/Sub redeliveries), and the last to arrive must not win over a newer one.
    """
    out = Collapsed()
    tables: dict[str, TableChanges] = {}
    rows: dict[str, dict[tuple[Any, ...], ChangeEvent]] = {}
    seen: dict[str, set[tuple[Any, ...]]] = {}
    for ev in events:
        name = f"{ev.schema}.{ev.table}"
        tc = tables.get(name)
        if tc is None:
            tc = TableChanges(schema=ev.schema, table=ev.table, key_columns=tuple(ev.key))
            tables[name] = tc
            rows[name] = {}
            seen[name] = set()
        table_rows = rows[name]
        lsn = ev.lsn
        if lsn is not None and not ev.tombstone:
            # a copy delivered twice in one batch (a producer that restarted and sent again)
            items = tuple(ev.key.items())
            ident = (lsn, ev.op, items if len(items) < 2 else tuple(sorted(items)))
            table_seen = seen[name]
            if ident in table_seen:
                continue
            table_seen.add(ident)
        if ev.columns is not None:
            tc.columns = ev.columns
        if lsn is not None:
            if not ev.snapshot:
                tc.streamed = True
            elif ev.op == "r":
                tc.snapshot_lsn = lsn
                tc.snapshot_first |= ev.snapshot_marker == "first"
                tc.snapshot_last |= ev.snapshot_marker == "last"
            position = ev.position
            if position > tc.position:
                tc.position = position
        if ev.op == "t":
            # rows older than the TRUNCATE go; newer ones that arrived before it stay
            if tc.truncate is None or not _older(ev, tc.truncate):
                tc.truncate = ev
                for k, r in list(table_rows.items()):
                    if r.lsn is None or _older(r, ev):
                        del table_rows[k]
            tc.events.append(ev)
            continue
        if not ev.key:
            out.dead_letters.append(
                DeadLetter(
                    reason=f"{name} has no primary key: changes cannot be applied by key",
                    value=ev.raw,
                    table=ev.table,
                )
            )
            continue
        if not tc.key_columns:
            tc.key_columns = tuple(ev.key)
        key = tuple(map(ev.key.get, tc.key_columns))
        prev = table_rows.get(key)
        if (prev is not None and _older(ev, prev)) or (
            tc.truncate is not None and _older(ev, tc.truncate)
        ):
            # delivered late (a transport that reorders one key's changes): logged, not applied
            tc.events.append(ev)
            continue
        if ev.tombstone:
            if prev is None:
                table_rows[key] = ev
            continue
        if ev.after is not None and UNAVAILABLE in ev.after.values():
            _fill_unavailable(ev, prev)
        if ev.op == "d" and prev is not None and prev.op in ("c", "u", "r") and prev.after:
            # the last known row state is exact; a delete's before image may hold defaults
            ev.before = {**prev.after, **ev.key}
        table_rows.pop(key, None)  # keep stream order of the last events
        table_rows[key] = ev
        tc.events.append(ev)
    for name, tc in tables.items():
        tc.rows = list(rows[name].values())
        out.tables.append(tc)
    return out
