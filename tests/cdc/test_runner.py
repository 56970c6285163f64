"""The apply loop: a source allowing it is read ahead while the sink applies, commits stay in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from riverbed.core.cdc import ChangeEvent, DeadLetter, parse_record, read_warehouse
from riverbed.ingestor.sync.runner import SyncRunner
from riverbed.ingestor.sync.sinks.base import ApplyResult, TableChanges
from riverbed.ingestor.sync.sinks.duckdb import DuckDBSink
from riverbed.ingestor.sync.sources.base import Batch


class ScriptedSource:
    """Hand over fixed batches (then idle), logging each fetch, commit and abort."""

    name = "scripted"

    def __init__(self, batches: Sequence[list[ChangeEvent]], *, ahead: bool) -> None:
        self.apply_ahead = ahead
        self.script = batches
        self.log: list[tuple[str, int]] = []
        self.fetched = [threading.Event() for _ in batches]
        self._stop = threading.Event()

    def batches(self, idle_timeout: float = 1.0) -> Iterator[Batch | None]:
        """Yield the scripted batches, then None until stopped."""
        for i, events in enumerate(self.script):
            self.log.append(("fetched", i))
            self.fetched[i].set()
            yield Batch(
                events,
                commit=lambda i=i: self.log.append(("committed", i)),
                abort=lambda exc, i=i: self.log.append(("aborted", i)),
            )
        while not self._stop.wait(0.01):
            yield None

    def stop(self) -> None:
        """End `batches()`."""
        self._stop.set()

    def close(self) -> None:
        """Nothing to release."""


class WatchedSink(DuckDBSink):
    """The DuckDB sink, logging each apply; it can wait for the next fetch or fail a batch."""

    def __init__(
        self, path: Path, source: ScriptedSource, fail_at: int | None = None, wait_s: float = 2.0
    ) -> None:
        super().__init__(path)
        self.source = source
        self.fail_at = fail_at
        self.wait_s = wait_s
        self.calls = 0
        self.overlapped: list[bool] = []

    def apply(
        self, changes: Sequence[TableChanges], dead_letters: Sequence[DeadLetter]
    ) -> ApplyResult:
        """Apply a batch, first waiting (up to `wait_s`) until the source fetched the next one."""
        i = self.calls
        self.calls += 1
        if i + 1 < len(self.source.script):
            self.overlapped.append(self.source.fetched[i + 1].wait(self.wait_s))
        if i == self.fail_at:
            raise RuntimeError(f"batch {i} failed")
        result = super().apply(changes, dead_letters)
        self.source.log.append(("applied", i))
        return result


def _batches(schema_run: list[dict[str, Any]]) -> list[list[ChangeEvent]]:
    events = [parse_record(r["key"], r["value"], topic=r["topic"]) for r in schema_run]
    return [events[i : i + 3] for i in range(0, len(events), 3)]  # 5 batches


def _run(source: ScriptedSource, sink: WatchedSink) -> None:
    runner = SyncRunner(source, sink, idle_release_s=0.05, snapshot_idle_s=60)
    runner.run(until_idle=0.2, timeout=30)


def test_the_next_batch_is_read_while_the_sink_applies_and_commits_stay_in_order(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    source = ScriptedSource(_batches(schema_run), ahead=True)
    sink = WatchedSink(tmp_path / "w.duckdb", source)
    _run(source, sink)
    assert all(sink.overlapped) and len(sink.overlapped) == 4
    commits = [i for what, i in source.log if what == "committed"]
    assert commits == [0, 1, 2, 3, 4]
    for i in commits:  # each commit only after its sink transaction
        assert source.log.index(("applied", i)) < source.log.index(("committed", i))
    with read_warehouse(tmp_path / "w.duckdb") as con:
        titles = con.execute("SELECT id, title, _deleted FROM mirror.videos ORDER BY id").fetchall()
    assert titles == [(1, "Video A (edited)", False), (2, "Video B", True), (3, "Video C", False)]


def test_without_read_ahead_a_batch_is_fetched_after_the_previous_commit(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    source = ScriptedSource(_batches(schema_run), ahead=False)
    sink = WatchedSink(tmp_path / "w.duckdb", source, wait_s=0.2)
    _run(source, sink)
    assert not any(sink.overlapped)  # each wait timed out: nothing was read ahead
    for i in range(1, 5):
        assert source.log.index(("committed", i - 1)) < source.log.index(("fetched", i))


def test_a_failed_batch_in_flight_stops_the_loop_and_nothing_after_it_commits(
    tmp_path: Path, schema_run: list[dict[str, Any]]
) -> None:
    source = ScriptedSource(_batches(schema_run), ahead=True)
    sink = WatchedSink(tmp_path / "w.duckdb", source, fail_at=2)
    with pytest.raises(RuntimeError, match="batch 2 failed"):
        _run(source, sink)
    assert [e for e in source.log if e[0] != "fetched"] == [
        ("applied", 0),
        ("committed", 0),
        ("applied", 1),
        ("committed", 1),
        ("aborted", 2),
    ]
    assert ("fetched", 3) in source.log  # read ahead, then left uncommitted for redelivery
    assert sink.calls == 3
