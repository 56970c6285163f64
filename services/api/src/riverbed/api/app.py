"""The Flask app factory: `create_app(settings)` registers every API plugin's blueprint."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.routing import Rule

from riverbed.api.settings import ApiSettings
from riverbed.api.system import system_openapi, system_routes
from riverbed.core.web import (
    Database,
    OpenApiRegistry,
    load_api_plugins,
    register_error_handlers,
)

__all__ = ["create_app", "flask_rule_to_openapi"]

log = logging.getLogger("riverbed.api.access")
_CONVERTER = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def flask_rule_to_openapi(rule: str) -> str:
    """Turn a Flask rule (/pages/<int:page_id>) into an OpenAPI path (/pages/{page_id})."""
    return _CONVERTER.sub(r"{\1}", rule)


def create_app(settings: ApiSettings | None = None, **config: Any) -> Flask:
    """Create the API app for `settings` (built from the environment when omitted)."""
    settings = settings or ApiSettings()
    app = Flask("riverbed.api")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.upload_max_bytes,
        RIVERBED_MAX_JSON_BYTES=settings.max_body_bytes,
        RIVERBED_SETTINGS=settings,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.config.update(config)

    db = Database(
        settings.database_url, pool_size=settings.pool_size, pre_ping=settings.pool_pre_ping
    )
    db.init_app(app)

    registry = OpenApiRegistry(
        title="Riverbed API",
        version="0.1.0",
        description="Media pages/videos/insights, review aggregates, DSR statistics and more.",
    )
    app.register_blueprint(system_routes(registry))
    system_openapi(registry)
    for plugin in load_api_plugins():
        for key, value in plugin.config.items():
            app.config.setdefault(key, value)
        app.register_blueprint(plugin.blueprint())
        plugin.openapi(registry)
    app.extensions["riverbed_openapi"] = registry

    register_error_handlers(app)
    _request_logging(app)
    return app


def _request_logging(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("started")
        latency_ms = (time.perf_counter() - started) * 1000 if started else None
        response.headers["X-Request-Id"] = g.get("request_id", "")
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": g.get("request_id"),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "latency_ms": round(latency_ms, 3) if latency_ms is not None else None,
            },
        )
        return response


def registered_routes(app: Flask) -> set[tuple[str, str]]:
    """Return {(METHOD, openapi path)} for every rule the app serves."""
    routes: set[tuple[str, str]] = set()
    rule: Rule
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods or ():
            if method in ("HEAD", "OPTIONS"):
                continue
            routes.add((method, flask_rule_to_openapi(rule.rule)))
    return routes
