"""System routes: /health, /openapi.json and Swagger UI at /docs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

from riverbed.core.web import OpenApiRegistry, get_session

__all__ = ["system_openapi", "system_routes"]

_DOCS_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Riverbed API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>"""


def system_routes(registry: OpenApiRegistry) -> Blueprint:
    """Build the blueprint of the system routes."""
    bp = Blueprint("system", __name__)

    @bp.get("/health")
    def health() -> tuple[Response, int]:
        try:
            get_session().execute(text("SELECT 1"))
            return jsonify({"status": "ok", "database": "reachable"}), 200
        except Exception as exc:  # any driver error means unreachable
            current_app.logger.warning("health check failed: %s", exc)
            return jsonify({"status": "unavailable", "database": "unreachable"}), 503

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(registry.document())

    @bp.get("/docs")
    def docs() -> Response:
        return Response(_DOCS_HTML, mimetype="text/html")

    @bp.get("/docs/assets/<path:filename>")
    def docs_assets(filename: str) -> Response:
        return send_from_directory(str(swagger_ui_path), filename)

    return bp


def system_openapi(registry: OpenApiRegistry) -> None:
    """Describe the system routes."""
    registry.add_tag("system", "Health, OpenAPI document and API docs")
    health: dict[str, Any] = {
        "type": "object",
        "required": ["status", "database"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "database": {"type": "string", "enum": ["reachable", "unreachable"]},
        },
    }
    registry.add_schema("Health", health)
    registry.add_operation(
        "/health",
        "get",
        {
            "tags": ["system"],
            "summary": "Report database reachability",
            "operationId": "health",
            "responses": {
                "200": {
                    "description": "Database reachable",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                    },
                },
                "503": {
                    "description": "Database unreachable",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                    },
                },
            },
        },
    )
    registry.add_operation(
        "/openapi.json",
        "get",
        {
            "tags": ["system"],
            "summary": "This OpenAPI document",
            "operationId": "openapi",
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        },
    )
    registry.add_operation(
        "/docs",
        "get",
        {
            "tags": ["system"],
            "summary": "Swagger UI",
            "operationId": "docs",
            "responses": {
                "200": {
                    "description": "HTML page",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        },
    )
    registry.add_operation(
        "/docs/assets/{filename}",
        "get",
        {
            "tags": ["system"],
            "summary": "Swagger UI static assets",
            "operationId": "docsAssets",
            "parameters": [
                {"name": "filename", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {"description": "Asset", "content": {"*/*": {"schema": {"type": "string"}}}},
                "404": {
                    "description": "No such asset",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        },
    )
