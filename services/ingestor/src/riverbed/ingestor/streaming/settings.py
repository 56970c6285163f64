"""Settings of the streaming loader (env prefix RIVERBED_INGESTOR_STREAMING_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from riverbed.core.duckdb_resources import DuckDBResourceSettings

__all__ = ["StreamingSettings"]


class StreamingSettings(DuckDBResourceSettings):
    """DuckDB resources of a load: cap them to fit the container it runs in.

    memory_limit defaults to half the memory available (cgroup-aware), 256 MiB to 4 GiB;
    beyond it DuckDB spills to temp_directory (default `<warehouse>.tmp`).
    """

    model_config = SettingsConfigDict(env_prefix="RIVERBED_INGESTOR_STREAMING_", extra="ignore")

    preserve_insertion_order: bool = Field(
        False, description="false lets DuckDB write staged and merged rows in any order"
    )
