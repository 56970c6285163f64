"""Settings of the API service (env prefix RIVERBED_API_, plus DATABASE_URL and PORT)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from riverbed.core.settings import normalize_database_url

__all__ = ["DEFAULT_DATABASE_URL", "ApiSettings"]

DEFAULT_DATABASE_URL = "sqlite:///.riverbed/riverbed.sqlite"


class ApiSettings(BaseSettings):
    """Configuration of the API, read from the environment at the entry point."""

    model_config = SettingsConfigDict(
        env_prefix="RIVERBED_API_", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "RIVERBED_API_DATABASE_URL"),
    )
    host: str = "127.0.0.1"
    port: int = Field(
        8000, ge=0, le=65535, validation_alias=AliasChoices("PORT", "RIVERBED_API_PORT")
    )
    workers: int = Field(1, ge=1, le=64)
    threads: int = Field(4, ge=1, le=64)
    pool_pre_ping: bool = False
    pool_size: int = Field(5, ge=1, le=200)
    log_level: str = Field(
        "INFO", validation_alias=AliasChoices("LOG_LEVEL", "RIVERBED_API_LOG_LEVEL")
    )
    log_json: bool = True
    max_body_bytes: int = Field(1_048_576, ge=1024)
    upload_max_bytes: int = Field(1024 * 1024 * 1024, ge=1024)
    secret_key: str = "dev-only-change-me"
    admin_password_hash: str | None = None

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return normalize_database_url(value)

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value.upper()
