"""The local stack: which services run under the state directory and how to reach them."""

from __future__ import annotations

from pathlib import Path

from riverbed.local.kafka_stack import KafkaStack
from riverbed.local.postgres import LocalPostgres
from riverbed.local.pubsub import LocalPubSub

__all__ = ["Stack"]


class Stack:
    """Services of the local stack, all keeping their state under `home`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.postgres = LocalPostgres(home / "postgres")
        self.kafka = KafkaStack(home)
        self.pubsub = LocalPubSub(home / "pubsub")

    def up(self, *, kafka: bool = False, pubsub: bool = False) -> None:
        """Start Postgres (and create the `riverbed` database); with kafka, Kafka + Connect."""
        self.postgres.start()
        with self.postgres.connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'riverbed'").fetchone()
            if not exists:
                conn.execute('CREATE DATABASE "riverbed"')
        if kafka:
            self.kafka.up(self.postgres, "riverbed")
        if pubsub:
            self.pubsub.start()

    def down(self) -> None:
        """Stop every service that runs."""
        self.kafka.down()
        self.pubsub.stop()
        self.postgres.stop()

    def status(self) -> dict[str, dict[str, object]]:
        """Return {service: {running, address, ...}}."""
        pg = self.postgres
        return {
            "postgres": {
                "running": pg.is_running(),
                "address": f"127.0.0.1:{pg.port}",
                "pid": pg.pid(),
                "data": str(pg.pgdata),
            },
            **self.kafka.status(),
            "pubsub": {
                "running": self.pubsub.is_running(),
                "address": self.pubsub.emulator_host,
                "pid": self.pubsub.pid(),
            },
        }

    def env(self) -> dict[str, str]:
        """Return the environment variables pointing commands at the running stack."""
        env: dict[str, str] = {}
        if self.postgres.is_running():
            env["DATABASE_URL"] = self.postgres.url("riverbed")
        env.update(self.kafka.env())
        if self.pubsub.is_running():
            env["PUBSUB_EMULATOR_HOST"] = self.pubsub.emulator_host
        return env
