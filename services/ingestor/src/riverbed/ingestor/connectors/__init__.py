"""Deploy the Debezium connectors of `connectors/` on Kafka Connect through its REST API."""

from riverbed.ingestor.connectors._client import ConnectClient, ConnectorStatus, TaskStatus
from riverbed.ingestor.connectors._files import ConnectorFile, find_connectors, load_connector
from riverbed.ingestor.connectors._plugins import (
    DEBEZIUM_POSTGRES,
    RIVERBED_POSTGRES,
    for_worker,
)
from riverbed.ingestor.connectors._prepare import HEARTBEAT_TABLE, ensure_heartbeat_table
from riverbed.ingestor.connectors.cli import wait_running

__all__ = [
    "DEBEZIUM_POSTGRES",
    "HEARTBEAT_TABLE",
    "RIVERBED_POSTGRES",
    "ConnectClient",
    "ConnectorFile",
    "ConnectorStatus",
    "TaskStatus",
    "ensure_heartbeat_table",
    "find_connectors",
    "for_worker",
    "load_connector",
    "wait_running",
]
