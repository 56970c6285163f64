"""OLAP sinks of the apply loop (DuckDB; later BigQuery), all over `sinks.base.Sink`."""

from riverbed.ingestor.sync.sinks.base import (
    META_COLUMNS,
    ApplyResult,
    Sink,
    TableChanges,
    TableStatus,
)

__all__ = ["META_COLUMNS", "ApplyResult", "Sink", "TableChanges", "TableStatus"]
