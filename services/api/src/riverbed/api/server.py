"""Serve the API: in-process (werkzeug, threaded) or with gunicorn workers."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from typing import NoReturn

from werkzeug.serving import BaseWSGIServer, make_server

from riverbed.api.app import create_app
from riverbed.api.settings import ApiSettings
from riverbed.core.errors import ConfigurationError
from riverbed.core.migrations import pending

__all__ = ["BackgroundServer", "check_migrated", "run_gunicorn", "start_background"]


def check_migrated(settings: ApiSettings) -> None:
    """Refuse a database that is not at the latest schema, saying how to fix it."""
    missing = pending(settings.database_url)
    if missing:
        raise ConfigurationError(
            f"database {settings.database_url.split('@')[-1]} is not migrated "
            f"(missing {', '.join(sorted(missing))}); run `riverbed api migrate` first"
        )


@dataclass
class BackgroundServer:
    """A werkzeug server running in a daemon thread."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        """Return the base URL."""
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self.server.shutdown()
        self.thread.join(timeout=10)


def start_background(settings: ApiSettings) -> BackgroundServer:
    """Start the API in a background thread (port 0 picks a free one)."""
    server = make_server(settings.host, settings.port, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="riverbed-api", daemon=True)
    thread.start()
    return BackgroundServer(server, thread)


def run_gunicorn(settings: ApiSettings) -> NoReturn:
    """Replace this process with gunicorn running `settings.workers` workers.

    Exec, not a child process: a SIGTERM to `riverbed api serve` (a supervisor, `docker stop`)
    reaches gunicorn's arbiter, which stops its workers gracefully; a child would be orphaned
    and keep serving.
    """
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(settings.workers),
        "--threads",
        str(settings.threads),
        "--bind",
        f"{settings.host}:{settings.port}",
        "riverbed.api.wsgi:app",  # the app logs each request itself (JSON, id, latency)
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, cmd, env)
