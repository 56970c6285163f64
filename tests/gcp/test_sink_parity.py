"""The BigQuery sink passes the DuckDB sink's checks on real Debezium envelopes (parametrized)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from riverbed.core.cdc import ChangeEvent, DeadLetter, parse_record
from riverbed.core.errors import ServiceError
from riverbed.ingestor.sync.collapse import collapse
from riverbed.ingestor.sync.sinks.base import ApplyResult, Sink
from riverbed.ingestor.sync.sinks.bigquery import BigQuerySink
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink
from tests.fixtures.gcp import BIGQUERY_TARGETS, bigquery_dataset, sink_from_env


@pytest.fixture(params=["duckdb", *BIGQUERY_TARGETS])
def sink(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sink]:
    if request.param == "duckdb":
        s: Sink = DuckDBSink(tmp_path / "w.duckdb")
        yield s
        s.close()
        return
    with bigquery_dataset(request, request.param) as env:
        s = sink_from_env(env)
        yield s
        s.close()


def _events(run: list[dict[str, Any]]) -> list[ChangeEvent]:
    return [parse_record(r["key"], r["value"], topic=r["topic"]) for r in run]


def _apply(
    sink: Sink, events: list[ChangeEvent], dead: list[DeadLetter] | None = None
) -> ApplyResult:
    col = collapse(copy.deepcopy(events))
    return sink.apply(col.tables, [*(dead or []), *col.dead_letters])


def _live(sink: Sink, table: str, *cols: str) -> list[tuple[Any, ...]]:
    rows = [tuple(r.values()) for r in sink.read_live(table, list(cols)).to_pylist()]
    return sorted(rows, key=lambda r: r[0])


def _changes(sink: Sink, table: str) -> list[str]:
    if isinstance(sink, BigQuerySink):
        rows = sink._query(f"SELECT _op FROM {sink._t(table + '_changes')}")
    else:
        from riverbed.core.cdc import read_warehouse

        sink.release()
        with read_warehouse(sink.path) as con:
            rows = con.execute(f"SELECT _op FROM changelog.{table}").fetchall()
    return sorted(r[0] for r in rows)


def test_snapshot_and_stream(sink: Sink, schema_run: list[dict[str, Any]]) -> None:
    events = _events(schema_run)
    _apply(sink, events[:4])
    _apply(sink, events[4:])
    assert _live(sink, "videos", "id", "title") == [(1, "Video A (edited)"), (3, "Video C")]
    assert _live(sink, "insights", "id") == []  # truncated
    ((_, body, flag),) = [r for r in _live(sink, "cdc_types", "id", "body", "flag") if r[0] == 1]
    assert body.startswith("toast me") and len(body) == 9 * 20000 and flag is True
    assert _changes(sink, "videos") == ["c", "c", "d", "r", "u"]
    status = {s.table: s for s in sink.status()}
    assert status["videos"].rows == 2 and status["videos"].deleted == 1
    assert status["videos"].last_lsn and sink.positions()["videos"][1] == status["videos"].last_lsn


def test_replays_never_duplicate_or_regress(sink: Sink, schema_run: list[dict[str, Any]]) -> None:
    events = _events(schema_run)
    _apply(sink, events)
    before = _live(sink, "videos", "id", "title", "page_id")
    _apply(sink, events)  # redelivery of everything...
    _apply(sink, events[4:8])  # ...then of an old slice alone (after a crash)
    assert _live(sink, "videos", "id", "title", "page_id") == before
    assert _changes(sink, "videos") == ["c", "c", "d", "r", "u"]
    assert len(_changes(sink, "cdc_types")) == 3


def test_older_event_never_overwrites_newer(sink: Sink, schema_run: list[dict[str, Any]]) -> None:
    events = _events(schema_run)
    newest = [e for e in events if e.table == "videos" and e.key == {"id": 1}]
    assert len(newest) >= 2
    _apply(sink, [newest[-1]])  # the edit arrives first (another consumer, a redelivery)
    _apply(sink, newest[:-1])  # then the older images
    assert ("Video A (edited)",) in [r[1:] for r in _live(sink, "videos", "id", "title")]


def test_added_column_appears(sink: Sink, schema_run: list[dict[str, Any]]) -> None:
    _apply(sink, _events(schema_run)[:4])
    added = (
        schema_run[4]["value"]
        .replace(
            '{"type":"string","optional":false,"field":"name"}',
            '{"type":"string","optional":false,"field":"name"},'
            '{"type":"int32","optional":true,"field":"rank"}',
        )
        .replace('"name":"Page B"', '"name":"Page B","rank":5')
    )
    res = _apply(sink, [parse_record(schema_run[4]["key"], added)])
    assert any("rank: added" in c for c in res.schema_changes)
    assert _live(sink, "pages", "name", "rank") == [("Page A", None), ("Page B", 5)]


def test_incompatible_type_change_is_refused(sink: Sink, schema_run: list[dict[str, Any]]) -> None:
    _apply(sink, _events(schema_run)[:4])
    changed = (
        schema_run[4]["value"]
        .replace(
            '{"type":"string","optional":false,"field":"name"}',
            '{"type":"boolean","optional":false,"field":"name"}',
        )
        .replace('"name":"Page B"', '"name":true')
    )
    with pytest.raises(ServiceError, match=r"pages\.name changed type"):
        _apply(sink, [parse_record(schema_run[4]["key"], changed)])
    assert _live(sink, "pages", "name") == [("Page A",)]  # nothing applied


def test_dead_letters_are_stored_and_batch_goes_on(
    sink: Sink, schema_run: list[dict[str, Any]]
) -> None:
    bad = DeadLetter(reason="value is not valid JSON", value=b"{oops", topic="riverbed-cdc")
    _apply(sink, _events(schema_run)[:4], [bad])
    assert [bytes(d["value"]) for d in sink.dead_letters()] == [b"{oops"]
    assert len(_live(sink, "pages", "id")) == 1


def test_new_snapshot_marks_rows_it_did_not_see_deleted(
    sink: Sink, schema_run: list[dict[str, Any]]
) -> None:
    events = _events(schema_run)
    _apply(sink, events)  # videos 1 (edited) and 3 live, 2 deleted; pages 1 and 2 live
    assert _live(sink, "videos", "id") == [(1,), (3,)]
    # Offsets lost: Debezium snapshots again. Video 1 and page 2 were deleted meanwhile, so the
    # snapshot (spread over two batches) sees video 3 and page 1 only.
    top = max(e.lsn or 0 for e in events) + 1000
    snapshot = []
    for table, key, marker in (("pages", 1, "first"), ("videos", 3, "last")):
        ev = copy.deepcopy(next(e for e in events if e.table == table and e.key == {"id": key}))
        ev.op, ev.lsn, ev.last_commit_lsn = "r", top, 0
        ev.snapshot, ev.snapshot_marker = True, marker
        snapshot.append(ev)
    _apply(sink, snapshot[:1])
    assert _live(sink, "pages", "id") == [(1,), (2,)]  # not before the snapshot ended
    _apply(sink, snapshot[1:])
    assert _live(sink, "videos", "id") == [(3,)]
    assert _live(sink, "pages", "id") == [(1,)]
    assert _live(sink, "cdc_types", "id") != []  # not in this snapshot: untouched


@pytest.mark.parametrize("target", BIGQUERY_TARGETS)
def test_a_mirror_left_without_its_change_log_heals(
    request: pytest.FixtureRequest, target: str, schema_run: list[dict[str, Any]]
) -> None:
    """A consumer killed between the two CREATE TABLEs left a mirror without change log."""
    from riverbed.ingestor.sync.sinks.bigquery._sql import create_mirror_sql

    events = _events(schema_run)
    with bigquery_dataset(request, target) as env:
        sink = sink_from_env(env)
        try:
            sink._setup()
            tc = collapse(copy.deepcopy(events[:2])).tables[0]
            cols = sink._desired(tc)
            sink._query(create_mirror_sql(sink._t(tc.table), cols, tc.key_columns))
        finally:
            sink.close()
        restarted = sink_from_env(env)
        try:
            _apply(restarted, events[:4])
            assert _changes(restarted, tc.table)  # logged, not a 404 on the change log
        finally:
            restarted.close()
