"""The Kafka path of one test database: connector, `riverbed sync run --source kafka`, verify."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from riverbed.core.migrations import upgrade
from riverbed.core.settings import normalize_database_url
from tests.fixtures.kafka import KafkaCapture

__all__ = ["KafkaPipeline", "media_tables"]

CLI = [sys.executable, "-c", "from riverbed.core.cli import main; main()"]
TABLES = ("pages", "videos", "insights")


def media_tables(database_url: str) -> None:
    """Create the media tables (the API's real migrations) in the test database."""
    upgrade(normalize_database_url(database_url))


@dataclass
class KafkaPipeline:
    """Connector -> topics -> `riverbed sync run --source kafka` -> DuckDB, for one database."""

    capture: KafkaCapture
    home: Path
    consumer: subprocess.Popen[bytes] | None = None
    log_file: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_file = self.home / "sync.log"

    @property
    def warehouse(self) -> Path:
        """Return the DuckDB file."""
        return self.home / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        """Return the environment pointing `riverbed sync` at this pipeline."""
        cap = self.capture
        return {
            **os.environ,
            "DATABASE_URL": cap.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": cap.stack.bootstrap_servers,
            "RIVERBED_HOME": str(self.home),
            "RIVERBED_INGESTOR_KAFKA_TOPIC_PREFIX": cap.topic_prefix,
            "RIVERBED_INGESTOR_KAFKA_GROUP_ID": f"sync-{cap.topic_prefix}",
            "RIVERBED_INGESTOR_SLOT_NAME": cap.slot,
            "RIVERBED_INGESTOR_PUBLICATION_NAME": cap.overrides["publication.name"],
            "RIVERBED_INGESTOR_METRICS_PORT": "0",
            "RIVERBED_INGESTOR_TABLES": ",".join(TABLES),
        }

    def start_consumer(self, *extra: str) -> subprocess.Popen[bytes]:
        """Start `riverbed sync run --source kafka` in the background."""
        with self.log_file.open("ab") as out:
            self.consumer = subprocess.Popen(
                [*CLI, "sync", "run", "--source", "kafka", *extra],
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self.consumer

    def kill_consumer(self) -> None:
        """SIGKILL the consumer (no chance to commit anything)."""
        if self.consumer is not None and self.consumer.poll() is None:
            self.consumer.send_signal(signal.SIGKILL)
            self.consumer.wait(10)
        self.consumer = None

    def stop_consumer(self, timeout: float = 30) -> int | None:
        """Stop the consumer gracefully (SIGTERM) and return its exit code."""
        if self.consumer is None:
            return None
        if self.consumer.poll() is None:
            self.consumer.send_signal(signal.SIGTERM)
            try:
                self.consumer.wait(timeout)
            except subprocess.TimeoutExpired:
                self.consumer.kill()
                self.consumer.wait(10)
        code = self.consumer.returncode
        self.consumer = None
        return code

    def sync(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run one `riverbed sync ...` command and return its result."""
        return subprocess.run(
            [*CLI, "sync", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def verify(self, wait: float = 60) -> subprocess.CompletedProcess[str]:
        """Run `riverbed sync verify --wait` (exit 0 when every mirror equals its source)."""
        return self.sync("verify", "--wait", str(wait), timeout=wait + 120)

    def changelog_duplicates(self) -> dict[str, int]:
        """Return, per table, how many change-log rows repeat an (LSN, op, id) already logged."""
        out = {}
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            for table in TABLES:
                row = con.execute(
                    f"SELECT count(*) - count(DISTINCT (_lsn, _op, id)) FROM changelog.{table}"
                ).fetchone()
                out[table] = int(row[0]) if row else 0
        return out

    def tail(self, lines: int = 40) -> str:
        """Return the end of the consumer log (for assertion messages)."""
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
