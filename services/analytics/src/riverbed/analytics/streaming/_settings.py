"""Settings of `riverbed streaming answers` (env prefix RIVERBED_ANALYTICS_STREAMING_)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from riverbed.core.duckdb_resources import DuckDBResourceSettings

__all__ = ["AnswersSettings"]


class AnswersSettings(DuckDBResourceSettings):
    """DuckDB resources of the answers: memory_limit, threads, temp_directory.

    memory_limit defaults to half the memory available (cgroup-aware), 256 MiB to 4 GiB;
    beyond it DuckDB spills to temp_directory (default `<warehouse>.tmp`).
    """

    model_config = SettingsConfigDict(env_prefix="RIVERBED_ANALYTICS_STREAMING_", extra="ignore")
