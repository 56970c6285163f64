"""Postgres in a Docker container (testcontainers), for machines that run a Docker engine."""

from __future__ import annotations

from typing import Any

import psycopg

from riverbed.core.errors import ServiceError
from riverbed.local.postgres import DatabaseAdmin

__all__ = ["ContainerPostgres"]

IMAGE = "postgres:16.6"


class ContainerPostgres(DatabaseAdmin):
    """The same interface as LocalPostgres, backed by the official image with wal_level=logical."""

    def __init__(self, image: str = IMAGE) -> None:
        try:
            from testcontainers.postgres import PostgresContainer
        except ImportError:
            raise ServiceError(
                "RIVERBED_TEST_SERVICES=docker needs testcontainers: uv pip install testcontainers"
            ) from None
        self._container: Any = PostgresContainer(
            image, username="postgres", password="postgres", dbname="postgres"
        ).with_command(
            "postgres -c wal_level=logical -c max_replication_slots=32 "
            "-c max_wal_senders=32 -c max_connections=200"
        )
        self.user = "postgres"
        self.port = 0

    def start(self) -> ContainerPostgres:
        """Start the container and wait until it accepts connections."""
        self._container.start()
        self.port = int(self._container.get_exposed_port(5432))
        return self

    def stop(self) -> None:
        """Stop and remove the container."""
        self._container.stop()

    destroy = stop

    def url(self, database: str = "postgres", driver: str = "postgresql") -> str:
        """Return a connection URL."""
        host = self._container.get_container_host_ip()
        return f"{driver}://postgres:postgres@{host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """Open an autocommit connection."""
        return psycopg.connect(self.url(database), autocommit=True)
