"""OpenAPI operations of the DSR API (mirrors the shared openapi.md) and the admin pages."""

from __future__ import annotations

from typing import Any

from riverbed.core.web import OpenApiRegistry, ref

__all__ = ["dsr_openapi"]

_NAMED = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "code_2": {"type": "string"}},
}
DSR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "path", "period_start", "period_end", "status", "territory", "currency"],
    "properties": {
        "id": {"type": "integer"},
        "path": {"type": "string", "default": "/path/to/dsr.csv"},
        "period_start": {"type": "string", "format": "date-time"},
        "period_end": {
            "type": "string",
            "format": "date-time",
            "description": "Midnight UTC of the period's last (inclusive) day.",
        },
        "status": {"type": "string", "enum": ["failed", "ingested"], "default": "ingested"},
        "territory": _NAMED,
        "currency": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "code": {"type": "string"}},
        },
        "dsp": {"type": "string"},
        "commercial_model": {"type": "string"},
        "lines_total": {
            "type": "integer",
            "description": "Data lines in the file (header excluded).",
        },
        "lines_ingested": {"type": "integer"},
        "lines_rejected": {
            "type": "integer",
            "description": "Malformed lines (quarantined or fatal).",
        },
        "lines_missing_usages": {"type": "integer"},
        "lines_missing_revenue": {"type": "integer"},
        "error": {"type": ["string", "null"], "description": "Why the import failed."},
    },
}
RESOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["dsp_id"],
    "properties": {
        "dsp_id": {"type": "string"},
        "title": {"type": "string"},
        "artists": {
            "type": "string",
            "description": "Multivalue, pipe-separated list of artist names.",
        },
        "isrc": {"type": "string"},
        "usages": {"type": "integer"},
        "revenue": {"type": "number", "format": "double", "description": "Revenue in EUR."},
        "dsrs": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "List of DSRs on which the resource is reported.",
        },
    },
}
_PAGE_HEADERS = {
    "X-Total-Count": {"description": "Size of the whole answer.", "schema": {"type": "integer"}},
    "Link": {"description": "RFC 8288 next/prev page links.", "schema": {"type": "string"}},
}


def _page(default: int, maximum: int) -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"Page size (1-{maximum}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Items to skip.",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
    ]


def _json(description: str, schema: dict[str, Any], headers: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        out["headers"] = _PAGE_HEADERS
    return out


def _error(description: str) -> dict[str, Any]:
    return _json(description, ref("Error"))


def _html_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _html(
    summary: str,
    op_id: str,
    params: list[dict[str, Any]] | None = None,
    form: dict[str, Any] | None = None,
    ok: str = "200",
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "tags": ["dsr-admin"],
        "summary": summary,
        "operationId": op_id,
        "responses": {
            ok: (
                {
                    "description": "HTML page",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
                if ok == "200"
                else {
                    "description": "Redirect",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                }
            ),
            "302": {"description": "Redirect to the login page when not logged in"},
            "400": _html_error("Missing or invalid CSRF token"),
            "401": _html_error("Wrong password"),
            "404": {
                "description": "No such DSR (JSON when the id is not an integer)",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "application/json": {"schema": ref("Error")},
                },
            },
            "403": _html_error("Admin disabled: no password hash configured"),
        },
    }
    if params:
        op["parameters"] = params
    if form:
        op["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": form}},
        }
    return op


def dsr_openapi(registry: OpenApiRegistry) -> None:
    """Describe every DSR route."""
    registry.add_tag("dsrs", "DSR API")
    registry.add_tag("resources", "DSR Resources API")
    registry.add_tag("dsr-admin", "Server-rendered DSR admin pages (HTML, session login)")
    registry.add_schema("DSR", DSR_SCHEMA)
    registry.add_schema("Resource", RESOURCE_SCHEMA)
    registry.add_schema(
        "DsrNotFound",
        {"type": "object", "properties": {"detail": {"type": "string", "default": "Not found."}}},
    )
    registry.add_operation(
        "/dsrs/",
        "get",
        {
            "tags": ["dsrs"],
            "summary": "List DSRs",
            "operationId": "listDsrs",
            "parameters": _page(100, 1000),
            "responses": {
                "200": _json(
                    "An array of DSR in JSON format.", {"type": "array", "items": ref("DSR")}, True
                ),
                "400": _error("Invalid query parameter"),
            },
        },
    )
    registry.add_operation(
        "/dsrs/{id}",
        "get",
        {
            "tags": ["dsrs"],
            "summary": "Get dsr details",
            "operationId": "getDsr",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": _json("DSR found in JSON format.", ref("DSR")),
                "404": _json("DSR does not exist.", ref("DsrNotFound")),
            },
        },
    )
    registry.add_operation(
        "/dsrs",
        "post",
        {
            "tags": ["dsrs"],
            "summary": "Upload and import DSR files",
            "description": "Same code path as `riverbed dsr import`. The uploaded file name carries the metadata.",
            "operationId": "uploadDsrs",
            "parameters": [
                {
                    "name": "policy",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": ["reject-file", "quarantine"],
                        "default": "reject-file",
                    },
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": _json("Imported DSRs.", {"type": "array", "items": ref("DSR")}),
                "200": _json(
                    "Every file was already ingested (same checksum).",
                    {"type": "array", "items": ref("DSR")},
                ),
                "400": _error("No file sent"),
                "413": _error("File too large"),
                "422": _error("A file failed; its failed DSR holds the reason"),
            },
        },
    )
    registry.add_operation(
        "/resources/percentile/{number}",
        "get",
        {
            "tags": ["resources"],
            "summary": "TOP percentile by revenue.",
            "operationId": "topPercentile",
            "description": (
                "The smallest set of resources, ordered by EUR revenue descending, whose revenue reaches "
                "`number`% of the total EUR revenue of the matching ingested DSRs. Ties at the boundary "
                "are all included; resources without revenue never are. Each DSR's revenue is converted "
                "with the mean ECB rate over its period."
            ),
            "parameters": [
                {
                    "name": "number",
                    "in": "path",
                    "required": True,
                    "description": "Number.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                },
                {
                    "name": "territory",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Territory code. ES, FR..",
                },
                {
                    "name": "period_start",
                    "in": "query",
                    "schema": {"type": "string", "format": "date-time"},
                    "description": "DSRs whose period starts on or after this date.",
                },
                {
                    "name": "period_end",
                    "in": "query",
                    "schema": {"type": "string", "format": "date-time"},
                    "description": "DSRs whose period ends on or before this date.",
                },
                *_page(1000, 10000),
            ],
            "responses": {
                "200": _json(
                    "List of resources in JSON format ordered by revenue in EURO",
                    {"type": "array", "items": ref("Resource")},
                    True,
                ),
                "400": _error("number out of 1..100 or invalid query parameter"),
                "409": _error("A matching DSR's currency has no EUR rate over its period"),
            },
        },
    )
    idp = [{"name": "dsr_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    token: dict[str, Any] = {
        "type": "object",
        "required": ["csrf_token"],
        "properties": {"csrf_token": {"type": "string"}},
    }
    registry.add_operation(
        "/admin/dsrs", "get", _html("List DSRs with status and row counts", "adminDsrs")
    )
    registry.add_operation("/admin/dsrs/login", "get", _html("Login form", "adminLoginForm"))
    registry.add_operation(
        "/admin/dsrs/login",
        "post",
        _html(
            "Log in with the admin password",
            "adminLogin",
            form={
                "type": "object",
                "required": ["password", "csrf_token"],
                "properties": {"password": {"type": "string"}, "csrf_token": {"type": "string"}},
            },
            ok="303",
        ),
    )
    registry.add_operation(
        "/admin/dsrs/logout", "post", _html("Log out", "adminLogout", form=token, ok="303")
    )
    registry.add_operation(
        "/admin/dsrs/{dsr_id}/delete",
        "get",
        _html("Confirm the deletion of a DSR", "adminDeleteConfirm", idp),
    )
    registry.add_operation(
        "/admin/dsrs/{dsr_id}/delete",
        "post",
        _html(
            "Delete a DSR, its usages and orphaned resources",
            "adminDelete",
            idp,
            form={
                **token,
                "properties": {
                    **token["properties"],
                    "confirm": {"type": "string", "enum": ["yes"]},
                },
            },
            ok="303",
        ),
    )
