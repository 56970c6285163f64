"""The DuckDB sink: mirrors, change logs and bookkeeping in one DuckDB file."""

from riverbed.ingestor.sync.sinks.duckdb.sink import DuckDBSink, SchemaChangeError

__all__ = ["DuckDBSink", "SchemaChangeError"]
