"""Settings of the DSR importer (env prefix RIVERBED_INGESTOR_, plus DATABASE_URL)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from riverbed.core.settings import normalize_database_url
from riverbed.ingestor.dsr.importer import RejectPolicy

__all__ = ["DEFAULT_DATABASE_URL", "DsrSettings"]

DEFAULT_DATABASE_URL = "sqlite:///.riverbed/riverbed.sqlite"


class DsrSettings(BaseSettings):
    """Where DSRs go and what a malformed line does."""

    model_config = SettingsConfigDict(env_prefix="RIVERBED_INGESTOR_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "RIVERBED_INGESTOR_DATABASE_URL"),
    )
    dsr_reject_policy: RejectPolicy = RejectPolicy.REJECT_FILE
    dsr_block_bytes: int = Field(1 << 20, ge=4096, le=1 << 28)

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return normalize_database_url(value)
