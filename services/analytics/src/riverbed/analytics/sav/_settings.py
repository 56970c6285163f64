"""Settings of the SAV job (env prefix RIVERBED_ANALYTICS_SAV_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SavSettings"]


class SavSettings(BaseSettings):
    """Defaults of `riverbed sav run`, overridable from the environment."""

    model_config = SettingsConfigDict(env_prefix="RIVERBED_ANALYTICS_SAV_", extra="ignore")

    source: str | None = None  # csv:PATH or db:URL, for the daily job
    out_dir: Path = Path(".riverbed/sav")  # the daily job writes out_dir/YYYY-MM-DD/
    table: str = "sav_messages"
    post_url: str | None = None
    post_concurrency: int = Field(4, ge=1, le=64)
    post_retries: int = Field(4, ge=0, le=20)
    post_backoff_seconds: float = Field(0.2, ge=0)
    post_timeout_seconds: float = Field(10.0, gt=0)

    def sender_options(self) -> dict[str, object]:
        """Return the keyword arguments of `send_entries`."""
        return {
            "concurrency": self.post_concurrency,
            "retries": self.post_retries,
            "backoff": self.post_backoff_seconds,
            "timeout": self.post_timeout_seconds,
        }
