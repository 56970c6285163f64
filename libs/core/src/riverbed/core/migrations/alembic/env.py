"""Alembic environment shared by every service branch."""

from __future__ import annotations

from alembic import context

from riverbed.core.web._db import make_engine

config = context.config


def run_migrations_online() -> None:
    """Run migrations on a live connection (batch mode for SQLite's ALTER limits)."""
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `riverbed api migrate`")
run_migrations_online()
