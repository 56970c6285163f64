"""Run a connector file on a worker that may lack Riverbed's plugin (`connectors/plugin`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from riverbed.core.errors import UserInputError
from riverbed.ingestor.connectors._client import ConnectClient
from riverbed.ingestor.connectors._files import ConnectorFile

__all__ = ["DEBEZIUM_POSTGRES", "FALLBACKS", "RIVERBED_POSTGRES", "for_worker"]

log = logging.getLogger(__name__)

RIVERBED_POSTGRES = "riverbed.connect.RiverbedPostgresConnector"
DEBEZIUM_POSTGRES = "io.debezium.connector.postgresql.PostgresConnector"
# Riverbed's connector is Debezium's with a cheaper metric: on a worker without the plugin,
# Debezium's own runs the same config.
FALLBACKS: Mapping[str, str] = {RIVERBED_POSTGRES: DEBEZIUM_POSTGRES}


def for_worker(
    conn: ConnectorFile, client: ConnectClient, fallbacks: Mapping[str, str] = FALLBACKS
) -> ConnectorFile:
    """Return `conn` with a connector class the worker offers, falling back with a warning."""
    wanted = conn.config.get("connector.class", "")
    offered = client.connector_plugins()
    if wanted in offered:
        return conn
    fallback = fallbacks.get(wanted)
    if fallback in offered:
        log.warning(
            "%s: the Connect worker at %s lacks %s (Riverbed's plugin, connectors/plugin);"
            " running %s with the same config",
            conn.path,
            client.url,
            wanted,
            fallback,
        )
        return ConnectorFile(conn.path, conn.name, {**conn.config, "connector.class": fallback})
    raise UserInputError(
        f"{conn.path}: connector {conn.name} needs connector.class {wanted or '(none)'}, which"
        f" the Connect worker at {client.url} does not offer (it has: "
        f"{', '.join(sorted(offered)) or 'no connector plugins'}); install the plugin on the"
        " worker's plugin.path or name one it has"
    )
