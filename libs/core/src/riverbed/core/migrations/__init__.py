"""Run every service's Alembic migrations (one branch per service) on SQLite or Postgres."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from riverbed.core.settings import normalize_database_url
from riverbed.core.web._db import make_engine

__all__ = [
    "MIGRATIONS_ENTRY_POINT_GROUP",
    "alembic_config",
    "current_heads",
    "pending",
    "upgrade",
    "version_locations",
]

MIGRATIONS_ENTRY_POINT_GROUP = "riverbed.migrations"
_ENV_DIR = Path(__file__).parent / "alembic"
log = logging.getLogger(__name__)


def version_locations() -> dict[str, Path]:
    """Return {branch: versions directory} registered by the installed services."""
    found: dict[str, Path] = {}
    for ep in entry_points(group=MIGRATIONS_ENTRY_POINT_GROUP):
        found[ep.name] = Path(ep.load())
    return dict(sorted(found.items()))


def alembic_config(url: str) -> Config:
    """Build an Alembic config over every registered branch for `url`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_ENV_DIR))
    locations = " ".join(str(p) for p in version_locations().values())
    cfg.set_main_option("version_locations", locations)
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", normalize_database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, target: str = "heads") -> None:
    """Bring the database at `url` to `target` (default: every branch's head)."""
    log.info("migrating %s to %s", _redact(url), target)
    command.upgrade(alembic_config(url), target)


def current_heads(engine: Engine) -> set[str]:
    """Return the revisions the database is at."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def pending(url: str, engine: Engine | None = None) -> set[str]:
    """Return the head revisions the database lacks (empty when fully migrated)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    heads = set(script.get_heads())
    own = engine is None
    engine = engine or make_engine(url)
    try:
        current = current_heads(engine)
    finally:
        if own:
            engine.dispose()
    missing = set()
    for head in heads:
        if head in current:
            continue
        # a head is satisfied when the database is on it (branches are independent)
        missing.add(head)
    return missing


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
