"""BigQuery settings and client (real BigQuery, or an emulator through `endpoint`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BigQuerySettings", "make_client"]


class BigQuerySettings(BaseSettings):
    """Where the BigQuery sink writes (env prefix RIVERBED_INGESTOR_BIGQUERY_)."""

    model_config = SettingsConfigDict(env_prefix="RIVERBED_INGESTOR_BIGQUERY_", extra="ignore")

    project: str = "riverbed-local"
    dataset: str = "riverbed_cdc"
    location: str = "US"
    # An emulator's REST URL (e.g. http://127.0.0.1:9050); empty means real BigQuery with
    # Application Default Credentials.
    endpoint: str = ""
    # BIGNUMERIC for unbounded/wide numerics; emulators built on DuckDB (DECIMAL <= 38 digits)
    # need it off, which stores them as NUMERIC (9 fractional digits).
    bignumeric: bool = True
    staging_expiration_s: int = Field(3600, ge=60)
    # Attempts of a batch transaction that lost a race with another consumer's DML.
    max_attempts: int = Field(8, ge=1)


def make_client(settings: BigQuerySettings) -> Any:
    """Return a google-cloud-bigquery Client for the settings."""
    from google.cloud import bigquery

    if settings.endpoint:
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials

        return bigquery.Client(
            project=settings.project,
            location=settings.location,
            credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=settings.endpoint),
        )
    return bigquery.Client(project=settings.project, location=settings.location)
