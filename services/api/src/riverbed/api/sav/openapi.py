"""OpenAPI operation of `POST /sav/metrics`."""

from __future__ import annotations

from typing import Any

from riverbed.api.sav.schemas import MetricsAccepted, MetricsBatch, MetricsList
from riverbed.core.web import PAGINATION_PARAMETERS, OpenApiRegistry, ref

__all__ = ["sav_openapi"]

_ERR = {"application/json": {"schema": ref("Error")}}


def sav_openapi(reg: OpenApiRegistry) -> None:
    """Describe the SAV receiver."""
    reg.add_tag("sav", "After-sales response-time metrics posted by the SAV analytics job")
    body = reg.add_model(MetricsBatch)
    accepted = reg.add_model(MetricsAccepted, mode="serialization")
    replayed_header: dict[str, Any] = {
        "Idempotent-Replayed": {
            "description": "`true` when the key was seen before and nothing was stored again.",
            "schema": {"type": "string", "enum": ["true", "false"]},
        }
    }
    reg.add_operation(
        "/sav/metrics",
        "post",
        {
            "tags": ["sav"],
            "summary": "Store a batch of SAV aggregates (at most 10), once per idempotency key",
            "description": (
                "Each entry is upserted by (period, dimension, key). The `Idempotency-Key` "
                "header is required: the first request with a key stores the batch and answers "
                "201; any later request with the same key and the same body stores nothing and "
                "answers 200 with `replayed: true` (so a retried batch is never counted twice); "
                "the same key with another body is a 409."
            ),
            "operationId": "postSavMetrics",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "description": "Unique per batch; reuse it when retrying the same batch.",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$"},
                }
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "201": {
                    "description": "Batch stored",
                    "headers": replayed_header,
                    "content": {"application/json": {"schema": accepted}},
                },
                "200": {
                    "description": "Key seen before: replayed, nothing stored",
                    "headers": replayed_header,
                    "content": {"application/json": {"schema": accepted}},
                },
                "400": {"description": "Missing/invalid key or malformed JSON", "content": _ERR},
                "409": {"description": "Key reused with a different body", "content": _ERR},
                "413": {"description": "Body too large", "content": _ERR},
                "415": {"description": "Body is not JSON", "content": _ERR},
                "422": {"description": "Invalid body", "content": _ERR},
            },
        },
    )
    listing = reg.add_model(MetricsList, mode="serialization")
    reg.add_operation(
        "/sav/metrics",
        "get",
        {
            "tags": ["sav"],
            "summary": "List stored SAV aggregates by id",
            "operationId": "listSavMetrics",
            "parameters": [
                *PAGINATION_PARAMETERS,
                {
                    "name": "period",
                    "in": "query",
                    "required": False,
                    "description": "`all` or a UTC day YYYY-MM-DD.",
                    "schema": {"type": "string", "pattern": "^(all|[0-9]{4}-[0-9]{2}-[0-9]{2})$"},
                },
                {
                    "name": "dimension",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["country", "merchant"]},
                },
                {
                    "name": "key",
                    "in": "query",
                    "required": False,
                    "description": "Country code or merchant id.",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of aggregates",
                    "content": {"application/json": {"schema": listing}},
                },
                "400": {"description": "Invalid query parameter", "content": _ERR},
            },
        },
    )
