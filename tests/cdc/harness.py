"""Run `riverbed sync run` as a real process and check its result (shared by CDC tests/bench)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from riverbed.core.cdc import read_warehouse
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sinks.base import Sink
from riverbed.ingestor.sync.verify import TableDiff, verify_tables

__all__ = [
    "SinkSpec",
    "SourceSpec",
    "SyncEnv",
    "SyncProcess",
    "assert_verified",
    "drop_slot",
    "plain_url",
    "wait_verified",
]


def plain_url(url: str) -> str:
    """Return a libpq URL for psycopg."""
    return url.replace("postgresql+psycopg://", "postgresql://")


@dataclass
class SourceSpec:
    """How to feed `riverbed sync run --source <name>`: extra env and a one-time setup.

    `prepare(env)` runs once the source tables exist and before the first consumer start
    (the Kafka path applies its connector there); `cleanup(env)` runs at the end.
    """

    name: str = "embedded"
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[SyncEnv], None] | None = None
    cleanup: Callable[[SyncEnv], None] | None = None


class _Names(dict[str, str]):
    """Table names for str.format_map: `<t>_changes` -> change log, else the mirror."""

    def __init__(self, changelog: Callable[[str], str], mirror: Callable[[str], str]) -> None:
        super().__init__()
        self._changelog = changelog
        self._mirror = mirror

    def __missing__(self, key: str) -> str:
        if key.endswith("_changes"):
            return self._changelog(key.removesuffix("_changes"))
        return self._mirror(key)


@dataclass
class SinkSpec:
    """Where `riverbed sync run` writes: DuckDB (default) or BigQuery (`env` names the dataset)."""

    name: str = "duckdb"
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class SyncEnv:
    """One source database, one warehouse home and the source feeding them."""

    database_url: str
    home: Path
    spec: SourceSpec
    slot: str
    tables: tuple[str, ...] = ("pages", "videos", "insights")
    sink: SinkSpec = field(default_factory=SinkSpec)

    @property
    def env(self) -> dict[str, str]:
        """Return the environment of the sync commands."""
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "RIVERBED_HOME": str(self.home),
            "RIVERBED_INGESTOR_SLOT_NAME": self.slot,
            "RIVERBED_INGESTOR_PUBLICATION_NAME": self.slot,
            "RIVERBED_INGESTOR_TABLES": ",".join(self.tables),
            "RIVERBED_INGESTOR_METRICS_PORT": "0",
            "RIVERBED_INGESTOR_HEARTBEAT_INTERVAL_MS": "1000",
            **self.spec.env,
            **self.sink.env,
        }

    @property
    def settings(self) -> SyncSettings:
        """Return the sync settings of this environment."""
        keys = ("DATABASE_URL", "RIVERBED_HOME")
        env = self.env
        old = {k: os.environ.get(k) for k in env if k.startswith("RIVERBED_") or k in keys}
        try:
            os.environ.update({k: v for k, v in env.items() if k in old})
            return load_settings(SyncSettings)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def open_sink(self) -> Sink | None:
        """Return a reader of the sink (None: the DuckDB file of `settings`, opened per read)."""
        if self.sink.name == "duckdb":
            return None
        from tests.fixtures.gcp import sink_from_env

        return sink_from_env(self.env)

    def query(self, query: str) -> list[tuple[object, ...]]:
        """Run `query` on the sink; `{t}` names mirror t, `{t_changes}` its change log.

        `{schema_changes}` names the schema change log.
        """
        sink = self.open_sink()
        if sink is None:
            names = _Names(lambda t: f"changelog.{t}", lambda t: f"mirror.{t}")
            names["schema_changes"] = "riverbed_sync.schema_changes"
            with read_warehouse(self.settings.warehouse_path) as con:
                return con.execute(query.format_map(names)).fetchall()
        env = self.env
        ds = (
            f"{env['RIVERBED_INGESTOR_BIGQUERY_PROJECT']}"
            f".{env['RIVERBED_INGESTOR_BIGQUERY_DATASET']}"
        )
        names = _Names(lambda t: f"`{ds}.{t}_changes`", lambda t: f"`{ds}.{t}`")
        names["schema_changes"] = f"`{ds}._sync_schema_changes`"
        try:
            rows = sink.client.query(query.format_map(names)).result()  # type: ignore[attr-defined]
            return [tuple(r.values()) for r in rows]
        finally:
            sink.close()

    def connect(self) -> psycopg.Connection:
        """Connect to the source database (autocommit)."""
        return psycopg.connect(plain_url(self.database_url), autocommit=True)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run one `riverbed` command in this environment."""
        return subprocess.run(
            [sys.executable, "-m", "riverbed.core.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


class SyncProcess:
    """`riverbed sync run` in a child process."""

    def __init__(self, senv: SyncEnv, *extra: str) -> None:
        self.senv = senv
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = senv.home / "sync-run.log"

    def start(self) -> SyncProcess:
        self.senv.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "riverbed.core.cli",
                    "sync",
                    "run",
                    "--source",
                    self.senv.spec.name,
                    *self.extra,
                ],
                env=self.senv.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the consumer (no chance to clean up)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM the consumer and wait for its graceful exit."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def applied(self) -> int:
        """Return how many `batch applied` lines the consumer's log holds (all its runs)."""
        return (
            self.log.read_text(errors="replace").count("batch applied") if self.log.exists() else 0
        )

    def wait_applied(self, at_least: int, timeout: float) -> int:
        """Wait until `applied()` reaches `at_least` (or timeout, or the process ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive() and self.applied() < at_least:
            time.sleep(0.05)
        return self.applied()

    def tail(self, n: int = 40) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])


def wait_verified(
    senv: SyncEnv, timeout: float = 60, proc: SyncProcess | None = None
) -> list[TableDiff]:
    """Poll `verify` until every table matches (or timeout); return the last comparison."""
    deadline = time.monotonic() + timeout
    settings = senv.settings
    sink = senv.open_sink()
    try:
        while True:
            ready = sink is not None or settings.warehouse_path.exists()
            diffs = verify_tables(settings, sink) if ready else []
            if diffs and all(d.ok for d in diffs):
                return diffs
            if proc is not None and not proc.alive():
                raise AssertionError(f"sync run exited:\n{proc.tail()}")
            if time.monotonic() > deadline:
                return diffs
            time.sleep(0.3)
    finally:
        if sink is not None:
            sink.close()


def assert_verified(
    senv: SyncEnv, timeout: float, proc: SyncProcess, label: str = ""
) -> list[TableDiff]:
    """Wait until every table matches its source; fail with the diffs and the consumer's log."""
    diffs = wait_verified(senv, timeout, proc)
    assert diffs and all(d.ok for d in diffs), f"{label}{diffs}\n{proc.tail()}"
    return diffs


def drop_slot(senv: SyncEnv) -> None:
    """Drop the replication slot so the database can be dropped."""
    with senv.connect() as conn:
        for _ in range(50):
            row = conn.execute(
                "SELECT active FROM pg_replication_slots WHERE slot_name = %s", (senv.slot,)
            ).fetchone()
            if row is None:
                return
            if not row[0]:
                conn.execute("SELECT pg_drop_replication_slot(%s)", (senv.slot,))
                return
            time.sleep(0.2)
