"""Streaming app + vendor book data: validated SCD2 loads into a DuckDB warehouse."""

from riverbed.ingestor.streaming._load import EntityResult, LoadResult, load

__all__ = ["DEFAULT_WAREHOUSE_NAME", "EntityResult", "LoadResult", "load"]

DEFAULT_WAREHOUSE_NAME = "streaming.duckdb"
