"""Fixtures of the SAV tests: the real API app served on a free port, with injected failures."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import make_server

from riverbed.api import ApiSettings, create_app
from riverbed.core.migrations import upgrade
from riverbed.local import free_port

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class FlakyReceiver:
    """Fail the first attempt of some batches: before storing (503) or after (stored, 503)."""

    app: WsgiApp
    attempts: Counter[str] = field(default_factory=Counter)
    injected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if environ["PATH_INFO"] != "/sav/metrics" or not key:
            return self.app(environ, start_response)
        with self.lock:
            self.attempts[key] += 1
            first = self.attempts[key] == 1
        bucket = int(key[-4:], 16) % 3 if key[-4:].isalnum() else 0
        if first and bucket == 0:  # lost before the app: nothing stored
            with self.lock:
                self.injected += 1
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "injected"}}']
        if first and bucket == 1:  # stored, but the answer is lost
            body = b"".join(self.app(environ, lambda *a, **k: None))
            del body
            with self.lock:
                self.injected += 1
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "injected after store"}}']
        return self.app(environ, start_response)


@dataclass
class Receiver:
    """The served API: its base URL, database URL and failure injector."""

    url: str
    database_url: str
    flaky: FlakyReceiver


@pytest.fixture
def receiver(pg_url: str) -> Iterator[Receiver]:
    """Serve the real API (Postgres, migrated) on a free port, failing some first attempts."""
    upgrade(pg_url)
    app = create_app(ApiSettings(database_url=pg_url, log_json=False, log_level="WARNING"))
    flaky = FlakyReceiver(app.wsgi_app)
    app.wsgi_app = flaky  # type: ignore[method-assign]
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{port}", pg_url, flaky)
    finally:
        server.shutdown()
        thread.join(10)
        app.extensions["riverbed_db"].engine.dispose()
