"""SQLAlchemy engine and request-scoped sessions for a Flask app (`db.init_app(app)`)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from riverbed.core.settings import normalize_database_url

__all__ = ["Database", "get_session", "make_engine"]

_EXT = "riverbed_db"


def make_engine(
    url: str, *, pool_size: int = 5, echo: bool = False, pre_ping: bool = False
) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout."""
    url = normalize_database_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_size"] = pool_size
        kwargs["pool_pre_ping"] = pre_ping
        kwargs["pool_recycle"] = 1800
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    return engine


class Database:
    """Own one engine and hand out one session per request."""

    def __init__(
        self, url: str | None = None, *, pool_size: int = 5, pre_ping: bool = False
    ) -> None:
        self.url = url
        self.pool_size = pool_size
        self.pre_ping = pre_ping
        self.engine: Engine | None = None
        self.sessionmaker: sessionmaker[Session] | None = None

    def init_app(self, app: Flask, url: str | None = None) -> None:
        """Create the engine for `url` and register session teardown on `app`."""
        self.url = url or self.url
        if not self.url:
            raise ValueError("a database URL is required")
        self.engine = make_engine(self.url, pool_size=self.pool_size, pre_ping=self.pre_ping)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions[_EXT] = self
        app.teardown_appcontext(self._teardown)

    def session(self) -> Session:
        """Return the session of the current app context, opening one when needed."""
        if "riverbed_session" not in g:
            assert self.sessionmaker is not None, "Database.init_app was not called"
            g.riverbed_session = self.sessionmaker()
        session: Session = g.riverbed_session
        return session

    @staticmethod
    def _teardown(_exc: BaseException | None) -> None:
        session = g.pop("riverbed_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """Return the request-scoped session of the current Flask app."""
    db: Database = current_app.extensions[_EXT]
    return db.session()
