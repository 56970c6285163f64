"""Settings helpers shared by every service (pydantic-settings, one env prefix per service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from riverbed.core.errors import ConfigurationError

__all__ = [
    "DEFAULT_STATE_DIR",
    "RiverbedSettings",
    "load_settings",
    "normalize_database_url",
    "state_dir",
]

DEFAULT_STATE_DIR = Path(".riverbed")
S = TypeVar("S", bound=BaseSettings)


class RiverbedSettings(BaseSettings):
    """Settings common to every command: where local state lives and how to log."""

    model_config = SettingsConfigDict(env_prefix="RIVERBED_", extra="ignore")

    home: Path = DEFAULT_STATE_DIR
    log_level: str = "INFO"
    log_json: bool = False


def state_dir(settings: RiverbedSettings | None = None) -> Path:
    """Return the local state directory (created when missing)."""
    home = (settings or RiverbedSettings()).home
    home.mkdir(parents=True, exist_ok=True)
    return home


def normalize_database_url(url: str) -> str:
    """Map plain postgres:// URLs onto the psycopg 3 driver SQLAlchemy should use."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(cls: type[S], **overrides: Any) -> S:
    """Build a settings object, turning validation errors into one clear ConfigurationError."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        prefix = cls.model_config.get("env_prefix", "")
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            # a check across fields has no location: its message names the variables
            lines.append(f"  {prefix}{name.upper()}: {err['msg']}" if name else f"  {err['msg']}")
        raise ConfigurationError("invalid configuration:\n" + "\n".join(lines)) from None
