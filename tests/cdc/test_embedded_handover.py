"""The embedded handover: BatchJson (payloads, schemas once) equals Debezium's JSON format."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from riverbed.core import javac
from riverbed.core.cdc import ChangeEvent
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.capture import prepare_source
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources import _jvm
from riverbed.ingestor.sync.sources._jvm import compile_consumer, read_batch
from riverbed.ingestor.sync.sources.embedded import EmbeddedSource

US, RS = "\x1f", "\x1e"

# every kind of column the mirror types, NULLs, defaults, escapes and non-ASCII text
_TABLE = """
CREATE TABLE typed (
    id bigint PRIMARY KEY,
    small smallint, big bigint, amount numeric(12, 3), free numeric, ratio real,
    precise double precision, flag boolean DEFAULT true, name varchar(40), body text,
    day date, at_time time, at timestamp, at_tz timestamptz, doc jsonb, uid uuid,
    raw bytea, tags text[], counts int[], kind char(3), dflt integer DEFAULT 7
)
"""
_ROWS = """
INSERT INTO typed VALUES
 (1, -32768, 9223372036854775807, 123456789.125, 0.000000001, 1.5, 2.25e-300, false,
  'quote " back \\ tab \t nl \n', 'Zoë 東京 ☃ \x01', '2021-12-25', '23:59:59.999999',
  '2021-12-25 07:00:00.5', '2021-12-25 07:00:00+01', '{"a": [1, "x"]}',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', '{"a","b c"}', '{1,NULL,3}', 'ab', 1),
 (2, NULL, NULL, NULL, NULL, 'NaN', '-Infinity', NULL, NULL, '', NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, '{}', NULL, NULL, NULL),
 (3, 0, 0, -0.001, 12345678901234567890.123456789, 0, 0, true, 'x', 'y', '1970-01-01',
  '00:00', '1900-01-01 00:00', '2262-04-11 23:47:16+00', 'null', NULL, '', NULL, '{}', 'z',
  DEFAULT)
"""
_CHANGES = [
    "UPDATE typed SET body = 'changed ☃', amount = amount + 1 WHERE id = 1",
    "UPDATE typed SET small = 5, free = NULL WHERE id = 2",
    "DELETE FROM typed WHERE id = 3",
    "ALTER TABLE typed ADD COLUMN later numeric(5, 2)",
    "INSERT INTO typed (id, later) VALUES (4, 1.25)",
]


def test_read_batch_registers_schemas_and_keeps_empty_fields_as_none() -> None:
    schemas: dict[bytes, str] = {}
    batch = RS.join(
        [
            f'S{US}0{US}{{"type":"struct"}}',
            f'E{US}t.public.a{US}{{"id":1}}{US}0{US}{{"op":"c"}}{US}0',
            f'E{US}t.public.a{US}{{"id":1}}{US}0{US}{US}',  # tombstone
            f'S{US}1{US}{{"type":"int32","doc":"Zoë"}}',
            f'E{US}t.public.b{US}{US}{US}{{"op":"c","v":"東京"}}{US}1',  # keyless table
        ]
    ).encode()
    assert list(read_batch(batch, schemas)) == [
        ("t.public.a", b'{"id":1}', b'{"op":"c"}', '{"type":"struct"}', '{"type":"struct"}'),
        ("t.public.a", b'{"id":1}', None, '{"type":"struct"}', None),
        (
            "t.public.b",
            None,
            '{"op":"c","v":"東京"}'.encode(),
            None,
            '{"type":"int32","doc":"Zoë"}',
        ),
    ]
    # a schema sent in an earlier batch is known by its id
    later = f'E{US}t.public.b{US}{US}{US}{{"op":"u"}}{US}1'.encode()
    assert list(read_batch(later, schemas)) == [
        ("t.public.b", None, b'{"op":"u"}', None, '{"type":"int32","doc":"Zoë"}')
    ]


def _settings(home: Path, slot: str, batch_json: bool) -> SyncSettings:
    return load_settings(
        SyncSettings,
        home=home,
        metrics_port=0,
        slot_name=slot,
        publication_name=slot,
        tables=("typed",),
        batch_json=batch_json,
        heartbeat_interval_ms=600_000,
    )


def _capture(settings: SyncSettings, expected: int) -> list[ChangeEvent]:
    source = EmbeddedSource(settings)
    events: list[ChangeEvent] = []
    try:
        for batch in source.batches(idle_timeout=0.5):
            if batch is not None:
                assert not batch.dead_letters, batch.dead_letters
                events += batch.events
                batch.commit()
            if len(events) >= expected:
                break
    finally:
        source.close()
    return events


def _view(e: ChangeEvent) -> tuple[Any, ...]:
    cols = tuple((c.name, c.type, c.logical, c.parameters) for c in e.columns or ())
    # a snapshot's position and transaction are its slot's own
    where = None if e.snapshot else (e.lsn, e.tx_id, e.commit_ts)
    return (e.table, e.op, e.key, e.before, e.after, where, e.snapshot, cols)


@pytest.mark.postgres
def test_batch_json_and_debezium_json_deliver_the_same_events(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(_TABLE)
        conn.execute(_ROWS)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    caplog.set_level(logging.INFO, logger="riverbed.ingestor.sync.sources._jvm")
    fast = _settings(tmp_path / "fast", "handover_fast", batch_json=True)
    slow = _settings(tmp_path / "slow", "handover_slow", batch_json=False)
    for s in (fast, slow):
        prepare_source(s)
    snapshots = [_capture(fast, 3), _capture(slow, 3)]
    with psycopg.connect(plain, autocommit=True) as conn:
        for stmt in _CHANGES:
            conn.execute(stmt)
    streamed = [_capture(fast, 4), _capture(slow, 4)]
    assert "hands over batches of payloads" in caplog.text
    assert "hands over JSON per record" in caplog.text
    classes = compile_consumer()
    assert classes is not None and (classes / "riverbed" / "BatchJson.class").exists()
    for by_batch, by_record in (snapshots, streamed):
        assert len(by_batch) == len(by_record)
        for a, b in zip(by_batch, by_record, strict=True):
            assert _view(a) == _view(b)
    row1 = next(e for e in snapshots[0] if e.key == {"id": 1})
    assert row1.after is not None and row1.after["body"] == "Zoë 東京 ☃ \x01"
    assert str(row1.after["amount"]) == "123456789.125"
    later = streamed[0][-1]
    assert later.op == "c" and later.after is not None and str(later.after["later"]) == "1.25"


def test_without_javac_there_is_no_consumer_to_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(javac, "find_javac", lambda: None)
    assert compile_consumer(tmp_path) is None  # the engine then uses Debezium's JSON format
    assert not any(tmp_path.iterdir())


def test_a_javac_that_fails_falls_back_to_the_json_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(javac, "find_javac", lambda: "/bin/false")
    assert compile_consumer(tmp_path) is None
    assert "using Debezium's JSON format" in caplog.text
    assert not any(tmp_path.iterdir())


def test_java_garbage_collections_do_not_run_full_python_collections() -> None:
    import jpype

    _jvm.start_jvm(["-Xmx256m"])  # the JVM of this test process, started once
    full: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.callbacks.append(count)
    try:
        for _ in range(3):
            jpype.JClass("java.lang.System").gc()
            time.sleep(0.4)  # JPype's reference queue notices a Java GC within 0.25 s
    finally:
        gc.callbacks.remove(count)
    # JPype's default bridge answers every Java GC with gc.collect(): 3 full collections here
    assert full == []


def test_the_consumer_collects_young_objects_per_batch_not_per_700_allocations() -> None:
    # process-wide, so measured in a fresh interpreter: allocate what one parsed batch holds
    code = """
import gc
from riverbed.ingestor.sync.runner import tune_gc
def young_collections():
    runs = []
    def count(phase, info):
        if phase == "start":
            runs.append(info["generation"])
    gc.callbacks.append(count)
    batch = [{"id": i, "after": {"id": i, "name": "x"}} for i in range(20_000)]
    gc.callbacks.remove(count)
    return len(runs)
before, older = young_collections(), gc.get_threshold()[1:]
tune_gc()
print(before, young_collections(), gc.get_freeze_count() > 0, gc.get_threshold()[1:] == older)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    default_runs, tuned_runs, frozen, older_kept = int(out[0]), int(out[1]), out[2], out[3]
    assert default_runs >= 50  # 40,000 dicts at the default threshold of 700
    assert tuned_runs == 0
    assert frozen == "True"  # start-up objects are out of every later full collection
    assert older_kept == "True"  # the older generations keep their thresholds


def _wait_streaming(plain: str, slot: str) -> None:
    """Wait until the engine streams from `slot`."""
    with psycopg.connect(plain, autocommit=True) as conn:
        deadline = time.monotonic() + 120
        while not conn.execute(
            "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s AND active", (slot,)
        ).fetchone():
            assert time.monotonic() < deadline, "the engine never started streaming"
            time.sleep(0.2)


def _insert(plain: str, table: str, first: int, last: int) -> None:
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} SELECT g, 'n' || g FROM generate_series(%s::int, %s::int) g",
                     (first, last))  # fmt: skip


def _streaming_metric(server: str, attribute: str) -> Any:
    """Read an attribute of Debezium's streaming metrics MBean for `server`."""
    import jpype

    mbeans = jpype.JClass("java.lang.management.ManagementFactory").getPlatformMBeanServer()
    pattern = jpype.JClass("javax.management.ObjectName")(
        f"debezium.postgres:type=connector-metrics,context=streaming,server={server},*"
    )
    names = list(mbeans.queryNames(pattern, None))
    assert len(names) == 1, names
    return mbeans.getAttribute(names[0], attribute)


@pytest.mark.postgres
@pytest.mark.parametrize("batch_json", [True, False])
def test_the_last_event_metric_names_the_table_without_formatting_the_key(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_json: bool
) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    table = f"brief_{batch_json}".lower()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, name text)")
    monkeypatch.setenv("DATABASE_URL", pg_url)
    settings = _settings(tmp_path, table, batch_json=batch_json).model_copy(
        update={"tables": (table,), "server_name": table, "snapshot_mode": "no_data"}
    )
    source = EmbeddedSource(settings)
    seen: list[ChangeEvent] = []
    try:
        source.start()
        _wait_streaming(plain, table)
        _insert(plain, table, 1, 50)
        for batch in source.batches(idle_timeout=0.5):
            if batch is not None:
                seen += batch.events
                batch.commit()
            if len(seen) >= 50:
                break
        # Debezium still counts every event; only the summary of the last one is brief
        assert _streaming_metric(table, "TotalNumberOfCreateEventsSeen") == 50
        last = str(_streaming_metric(table, "LastEvent"))
    finally:
        source.close()
    # both handovers run with our classes loaded, so both get the brief summary
    assert last == f"public.{table}"
    assert [e.key for e in seen] == [{"id": i} for i in range(1, 51)]


def _session(
    settings: SyncSettings, plain: str, insert: tuple[int, int], commit_last: bool
) -> tuple[list[int], list[int]]:
    """Stream `insert` rows, commit the batches (the last one only if `commit_last`), close.

    Return the keys received, and those of the last batch.
    """
    source = EmbeddedSource(settings)
    keys: list[int] = []
    last: list[int] = []
    try:
        source.start()
        _wait_streaming(plain, settings.slot_name)
        _insert(plain, settings.tables[0], *insert)
        for batch in source.batches(idle_timeout=0.5):
            if batch is None:
                continue
            last = [e.key["id"] for e in batch.events if e.key]
            keys += last
            done = insert[1] in last
            if done and not commit_last:
                batch.abort(RuntimeError("not applied"))
                break
            batch.commit()
            if done:
                break
        time.sleep(0.5)  # the engine thread has seen the verdict
    finally:
        source.close()
    return keys, last


@pytest.mark.postgres
def test_a_pipelined_batch_is_marked_once_committed_and_only_then(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming batches marked by the next call: a stop marks the last committed one, and
    one that never committed is delivered again after a restart."""
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    table = "pipelined"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, name text)")
    monkeypatch.setenv("DATABASE_URL", pg_url)
    settings = _settings(tmp_path, table, batch_json=True).model_copy(
        update={
            "tables": (table,),
            "server_name": table,
            "snapshot_mode": "no_data",
            "pipeline_min_events": 1,  # every streaming batch is pipelined
        }
    )
    # 1. all committed, then a graceful stop: the last batch is marked as Debezium stops
    keys, _ = _session(settings, plain, (1, 300), commit_last=True)
    assert keys == list(range(1, 301))
    # 2. so after a restart the new rows come first; their last batch is aborted
    keys, aborted = _session(settings, plain, (301, 600), commit_last=False)
    assert keys == list(range(301, 601))
    # 3. a restart delivers the aborted batch again (nothing committed in step 1)
    again, _ = _session(settings, plain, (601, 601), commit_last=True)
    assert set(aborted) <= set(again) and again[-1] == 601
    assert min(again) > 300
