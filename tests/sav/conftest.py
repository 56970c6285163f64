"""Fixtures of the SAV tests: the real API app served on a free port, with injected failures."""

from __future__ import annotations

import threading
import time
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
    """Fail the first attempt of 3 batches in 4: 503 before storing, 503 after, or too slow.

    The bucket of a batch is the last 4 hex digits of its key modulo 4: 0 is answered 503
    without reaching the app, 1 is stored then answered 503, 2 is stored then answered after
    `slow_seconds` (longer than the client's timeout), 3 passes untouched.
    """

    app: WsgiApp
    attempts: Counter[str] = field(default_factory=Counter)
    injected: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    slow_seconds: float = 3.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if environ["PATH_INFO"] != "/sav/metrics" or not key:
            return self.app(environ, start_response)
        return self._handle(environ, start_response, key)

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Call the real app, counting the requests it serves at once."""
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.in_flight -= 1

    def _handle(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: str
    ) -> Iterable[bytes]:
        with self.lock:
            self.attempts[key] += 1
            first = self.attempts[key] == 1
        try:
            bucket = int(key[-4:], 16) % 4
        except ValueError:
            bucket = 3
        if first and bucket == 0:  # lost before the app: nothing stored
            with self.lock:
                self.injected += 1
                self.kinds["503 before store"] += 1
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "injected"}}']
        if first and bucket == 1:  # stored, but the answer is lost
            self._app(environ, lambda *a, **k: None)
            with self.lock:
                self.injected += 1
                self.kinds["503 after store"] += 1
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "injected after store"}}']
        if first and bucket == 2:  # stored, but the answer comes after the client gave up
            body = b"".join(self._app(environ, lambda *a, **k: None))
            with self.lock:
                self.injected += 1
                self.kinds["timeout after store"] += 1
            time.sleep(self.slow_seconds)
            start_response("201 Created", [("Content-Type", "application/json")])
            return [body]
        return self._app(environ, start_response)


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
