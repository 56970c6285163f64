"""The collapse step and the DuckDB sink on real envelopes: MERGE, LSN guard, TOAST, schema."""

from __future__ import annotations

import copy
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from riverbed.core.cdc import UNAVAILABLE, ChangeEvent, DeadLetter, parse_record, read_warehouse
from riverbed.ingestor.sync.collapse import collapse
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink, SchemaChangeError


def _events(run: list[dict[str, Any]]) -> list[ChangeEvent]:
    return [parse_record(r["key"], r["value"], topic=r["topic"]) for r in run]


def _apply(
    sink: DuckDBSink, events: list[ChangeEvent], dead: list[DeadLetter] | None = None
) -> Any:
    col = collapse(copy.deepcopy(events))
    return sink.apply(col.tables, [*(dead or []), *col.dead_letters])


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with read_warehouse(path) as con:
        return con.execute(sql).fetchall()


def test_collapse_keeps_last_event_per_key(schema_run: list[dict[str, Any]]) -> None:
    col = collapse(_events(schema_run))
    by = {tc.table: tc for tc in col.tables}
    videos = by["videos"]
    assert [(e.key["id"], e.op) for e in videos.rows] == [(3, "c"), (1, "u"), (2, "d")]
    assert len(videos.events) == 5  # the tombstone is not logged
    assert by["insights"].truncate is not None and by["insights"].rows == []


def test_collapse_keeps_newest_event_when_delivered_out_of_order(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    events = [e for e in _events(schema_run) if e.table == "videos" and not e.tombstone]
    reordered = list(reversed(events))  # every key's changes arrive newest first
    in_order = collapse(copy.deepcopy(events)).tables[0]
    out_of_order = collapse(copy.deepcopy(reordered)).tables[0]
    newest = {e.key["id"]: (e.op, e.position) for e in in_order.rows}
    assert {e.key["id"]: (e.op, e.position) for e in out_of_order.rows} == newest
    assert len(out_of_order.events) == len(events)  # late ones still go to the change log
    sink = DuckDBSink(tmp_path / "w.duckdb")
    sink.apply([out_of_order], [])
    sink.close()
    db = tmp_path / "w.duckdb"
    assert _rows(db, "SELECT id, _deleted FROM mirror.videos ORDER BY id") == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert _rows(db, "SELECT title FROM mirror.videos WHERE id = 1") == [("Video A (edited)",)]


def test_apply_snapshot_and_stream(tmp_path: Path, schema_run: list[dict[str, Any]]) -> None:
    sink = DuckDBSink(tmp_path / "w.duckdb")
    events = _events(schema_run)
    _apply(sink, events[:4])
    sink.release()  # reload the catalog: its type spellings must not look like changes
    assert _apply(sink, events[4:]).schema_changes == []
    sink.close()
    db = tmp_path / "w.duckdb"
    assert _rows(db, "SELECT id, title, _deleted FROM mirror.videos ORDER BY id") == [
        (1, "Video A (edited)", False),
        (2, "Video B", True),
        (3, "Video C", False),
    ]
    assert _rows(db, "SELECT count(*) FROM mirror.insights WHERE NOT _deleted") == [(0,)]
    # unchanged TOAST kept the stored value
    body = _rows(db, "SELECT body, flag FROM mirror.cdc_types WHERE id = 1")[0]
    assert body[0].startswith("toast me") and len(body[0]) == 9 * 20000 and body[1] is True
    types = dict(
        _rows(
            db,
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'mirror' AND table_name = 'cdc_types'",
        )
    )
    assert types["price"] == "DECIMAL(12,2)" and types["tstz"] == "TIMESTAMP WITH TIME ZONE"
    assert types["ts"] == "TIMESTAMP" and types["d"] == "DATE" and types["small"] == "SMALLINT"
    assert types["_lsn"] == "BIGINT" and types["_deleted"] == "BOOLEAN"
    log = _rows(db, "SELECT _op FROM changelog.videos ORDER BY _lsn, _op")
    assert sorted(o for (o,) in log) == ["c", "c", "d", "r", "u"]


def test_replays_never_duplicate_or_regress(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    sink = DuckDBSink(tmp_path / "w.duckdb")
    events = _events(schema_run)
    _apply(sink, events)
    sink.release()
    before = _rows(tmp_path / "w.duckdb", "SELECT * FROM mirror.videos ORDER BY id")
    # redelivery of everything, then of an old slice alone (after a crash)
    _apply(sink, events)
    _apply(sink, events[4:8])
    sink.close()
    after = _rows(tmp_path / "w.duckdb", "SELECT * FROM mirror.videos ORDER BY id")
    assert after == before
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM changelog.videos") == [(5,)]
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM changelog.cdc_types") == [(3,)]


def test_a_tombstone_in_a_later_batch_leaves_the_deleted_row_and_its_neighbours(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    events = _events(schema_run)
    tomb = [e for e in events if e.tombstone]
    update = [e for e in events if e.table == "videos" and e.op == "u"]
    assert tomb and update and tomb[0].key != update[-1].key
    sink = DuckDBSink(tmp_path / "w.duckdb")
    _apply(sink, [e for e in events if not e.tombstone])
    sink.release()
    db = tmp_path / "w.duckdb"
    before = _rows(db, "SELECT * FROM mirror.videos ORDER BY id")
    # the tombstone (no LSN, not logged) is a row to apply beside a replayed update: the batch
    # cannot take its rows from the change-log table and builds them itself
    _apply(sink, [update[-1], *tomb])
    sink.close()
    assert _rows(db, "SELECT * FROM mirror.videos ORDER BY id") == before
    assert _rows(db, "SELECT count(*) FROM changelog.videos") == [(5,)]


def test_truncate_keeps_newer_rows_that_arrived_before_it(
    schema_run: list[dict[str, Any]],
) -> None:
    insights = [e for e in _events(schema_run) if e.table == "insights"]
    snapshot, truncate = insights[0], insights[-1]
    assert (snapshot.op, truncate.op) == ("r", "t") and truncate.lsn is not None
    newer = copy.deepcopy(snapshot)  # an insert committed after the TRUNCATE
    newer.op, newer.lsn, newer.last_commit_lsn = "c", truncate.lsn + 100, truncate.lsn + 50
    newer.key = {"id": 99}
    newer.after = {**(snapshot.after or {}), "id": 99}
    # delivered newest first, by a transport that orders per key only
    (tc,) = collapse([newer, truncate, copy.deepcopy(snapshot)]).tables
    assert tc.truncate is truncate
    assert [(e.key["id"], e.op) for e in tc.rows] == [(99, "c")]
    assert len(tc.events) == 3


def test_copies_within_one_batch_are_logged_once(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    events = _events(schema_run)
    sink = DuckDBSink(tmp_path / "w.duckdb")
    _apply(sink, events[:6] + events + events[6:])  # a producer restarted and sent again
    sink.close()
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM changelog.videos") == [(5,)]
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM changelog.cdc_types") == [(3,)]
    assert _rows(tmp_path / "w.duckdb", "SELECT id, _deleted FROM mirror.videos ORDER BY id") == [
        (1, False),
        (2, True),
        (3, False),
    ]


def test_toast_placeholder_filled_within_batch(schema_run: list[dict[str, Any]]) -> None:
    events = _events(schema_run)
    col = collapse([events[3], events[11]])
    (tc,) = col.tables
    (row,) = tc.rows
    assert row.after is not None and row.after["body"] is not UNAVAILABLE
    assert row.after["body"].startswith("toast me") and row.after["flag"] is True


def test_schema_evolution(tmp_path: Path, schema_run: list[dict[str, Any]]) -> None:
    sink = DuckDBSink(tmp_path / "w.duckdb")
    events = _events(schema_run)
    _apply(sink, events[:4])
    # a column added in Postgres: the next envelope carries it
    added = (
        schema_run[4]["value"]
        .replace(
            '{"type":"string","optional":false,"field":"name"}',
            '{"type":"string","optional":false,"field":"name"},{"type":"int32","optional":true,"field":"rank"}',
        )
        .replace('"name":"Page B"', '"name":"Page B","rank":5')
    )
    ev = parse_record(schema_run[4]["key"], added)
    res = _apply(sink, [ev])
    assert any("rank: added" in c for c in res.schema_changes)
    # then dropped again: no longer written, old values kept, reported once
    dropped = copy.deepcopy(events[4])
    dropped.lsn = (dropped.lsn or 0) + 1
    res = _apply(sink, [dropped])
    assert any("rank: dropped" in c for c in res.schema_changes)
    # an incompatible type change is reported clearly and nothing is applied
    changed = (
        schema_run[4]["value"]
        .replace(
            '{"type":"string","optional":false,"field":"name"}',
            '{"type":"boolean","optional":false,"field":"name"}',
        )
        .replace('"name":"Page B"', '"name":true')
    )
    with pytest.raises(SchemaChangeError, match=r"pages\.name changed type .*VARCHAR -> BOOLEAN"):
        _apply(sink, [parse_record(schema_run[4]["key"], changed)])
    sink.close()
    db = tmp_path / "w.duckdb"
    assert _rows(db, "SELECT name, rank FROM mirror.pages ORDER BY id") == [
        ("Page A", None),
        ("Page B", 5),
    ]
    changes = _rows(db, "SELECT column_name, change FROM riverbed_sync.schema_changes")
    assert ("rank", "added") in changes and ("rank", "dropped") in changes


def test_dead_letters_are_stored_and_batch_goes_on(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    sink = DuckDBSink(tmp_path / "w.duckdb")
    bad = DeadLetter(
        reason="value is not valid JSON", value=b"{oops", topic="riverbed.public.pages"
    )
    _apply(sink, _events(schema_run)[:4], [bad])
    assert [d["value"] for d in sink.dead_letters()] == [b"{oops"]
    sink.close()
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM mirror.pages") == [(1,)]


def test_readers_get_in_while_the_writer_is_busy(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    """A reader in another process gets the file between batches of a writer that never idles."""
    db = tmp_path / "w.duckdb"
    sink = DuckDBSink(db, reader_wait_s=5)
    events = _events(schema_run)
    _apply(sink, events[:4])
    stop = threading.Event()
    applied = 0

    def write() -> None:
        nonlocal applied
        while not stop.is_set():
            _apply(sink, events[4:])
            applied += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.3)
        assert sink.lock.held
        plain = (
            "import duckdb\n"
            "try:\n"
            f"    duckdb.connect({str(db)!r}, read_only=True)\n"
            "except duckdb.IOException:\n"
            "    print('locked')\n"
        )
        out = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True)
        assert out.stdout.strip() == "locked"  # plain readers are locked out...
        code = (
            "from riverbed.core.cdc import read_warehouse\n"
            f"with read_warehouse({str(db)!r}, timeout=20) as c:\n"
            "    print(c.execute('SELECT count(*) FROM mirror.videos').fetchone()[0])\n"
        )
        t0 = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
        )
        assert out.stdout.strip() == "3"  # ...protocol readers get in
        assert time.monotonic() - t0 < 15
    finally:
        stop.set()
        writer.join()
        sink.close()
    assert applied > 1
