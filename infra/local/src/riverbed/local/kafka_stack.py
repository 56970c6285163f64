"""The Kafka part of the local stack: broker, Connect worker and the Debezium connector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from riverbed.core.errors import ServiceError
from riverbed.core.migrations import upgrade
from riverbed.core.settings import normalize_database_url
from riverbed.local.connect import LocalConnect
from riverbed.local.kafka import LocalKafka
from riverbed.local.postgres import LocalPostgres

__all__ = ["KafkaStack", "connect_env"]


def connect_env(postgres: LocalPostgres, database: str) -> dict[str, str]:
    """Return the worker environment that `${env:...}` references of connectors/ read."""
    return {
        "RIVERBED_CDC_PG_HOST": "127.0.0.1",
        "RIVERBED_CDC_PG_PORT": str(postgres.port),
        "RIVERBED_CDC_PG_USER": postgres.user,
        "RIVERBED_CDC_PG_PASSWORD": "",
        "RIVERBED_CDC_PG_DATABASE": database,
    }


class KafkaStack:
    """A KRaft broker and a distributed Connect worker keeping their state under `home`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.kafka = LocalKafka(home / "kafka")
        self.connect = LocalConnect(home / "connect", self.kafka.bootstrap_servers)

    def up(self, postgres: LocalPostgres, database: str, *, apply: bool = True) -> None:
        """Start the broker and the worker, migrate, then apply the connectors of `connectors/`.

        The captured tables must exist for the connector's publication, hence the migrations.
        """
        self.kafka.start()
        self.connect.start(env=connect_env(postgres, database))
        if apply:
            upgrade(normalize_database_url(postgres.url(database)))
            self.apply_connectors(postgres.url(database))

    def apply_connectors(self, database_url: str, *args: str) -> None:
        """Run `riverbed connectors apply` against this worker (creates the heartbeat table)."""
        cmd = [
            sys.executable,
            "-c",
            "from riverbed.core.cli import main; main()",
            "connectors",
            "apply",
            "--connect-url",
            self.connect.url,
            "--database-url",
            database_url,
            *args,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ServiceError(f"applying the connectors failed: {proc.stderr.strip()}")

    def down(self) -> None:
        """Stop the worker, then the broker."""
        self.connect.stop()
        self.kafka.stop()

    def status(self) -> dict[str, dict[str, object]]:
        """Return the status rows of the broker and the worker."""
        return {
            "kafka": {
                "running": self.kafka.is_running(),
                "address": self.kafka.bootstrap_servers,
                "pid": self.kafka.pid(),
                "data": str(self.kafka.log_dir),
            },
            "connect": {
                "running": self.connect.is_running(),
                "address": self.connect.url,
                "pid": self.connect.pid(),
            },
        }

    def env(self) -> dict[str, str]:
        """Return KAFKA_BOOTSTRAP_SERVERS and CONNECT_URL for what runs."""
        env: dict[str, str] = {}
        if self.kafka.is_running():
            env["KAFKA_BOOTSTRAP_SERVERS"] = self.kafka.bootstrap_servers
        if self.connect.is_running():
            env["CONNECT_URL"] = self.connect.url
        return env
