"""Settings of the streaming loader (env prefix RIVERBED_INGESTOR_STREAMING_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["StreamingSettings"]


class StreamingSettings(BaseSettings):
    """DuckDB resources of a load: cap them to fit the container it runs in."""

    model_config = SettingsConfigDict(env_prefix="RIVERBED_INGESTOR_STREAMING_", extra="ignore")

    memory_limit: str | None = Field(
        None, pattern=r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", description="e.g. 8GB"
    )
    threads: int | None = Field(None, ge=1, le=256)
    temp_directory: str | None = Field(None, description="spill folder (DuckDB: <warehouse>.tmp)")
    preserve_insertion_order: bool = Field(
        False, description="false lets DuckDB write staged and merged rows in any order"
    )
