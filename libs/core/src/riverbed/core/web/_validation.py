"""Validate JSON bodies and query strings with pydantic, answering 400/415/422 as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from riverbed.core.web._errors import ApiError

M = TypeVar("M", bound=BaseModel)

__all__ = ["parse_body", "parse_query", "validation_details"]


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Turn pydantic errors into [{"field", "message", "type"}] for the error envelope."""
    return [
        {
            "field": ".".join(str(p) for p in err["loc"]) or None,
            "message": err["msg"],
            "type": err["type"],
        }
        for err in exc.errors(include_url=False)
    ]


def parse_body(model: type[M]) -> M:
    """Parse the request's JSON body into `model` (415 not JSON, 400 malformed, 422 invalid)."""
    limit = current_app.config.get("RIVERBED_MAX_JSON_BYTES")
    if limit and (request.content_length or 0) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    if not request.is_json:
        raise ApiError(415, "request body must be JSON (Content-Type: application/json)")
    raw = request.get_data(cache=True)
    if limit and len(raw) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    try:
        data = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"malformed JSON: {exc}", code="malformed_json") from None
    if not isinstance(data, dict):
        raise ApiError(422, "request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid request body", details=validation_details(exc)) from None


def parse_query(model: type[M], args: Mapping[str, str] | None = None) -> M:
    """Parse query parameters into `model`; a bad parameter is a 400 naming it."""
    source = request.args if args is None else args
    data = {key: source.get(key) for key in source}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = validation_details(exc)
        names = ", ".join(sorted({str(d["field"]) for d in details}))
        raise ApiError(400, f"invalid query parameter: {names}", details=details) from None
