"""List pagination: `limit` with an opaque keyset `cursor` or an `offset`, in stable order."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riverbed.core.web._errors import ApiError

__all__ = ["PAGINATION_PARAMETERS", "PageParams", "decode_cursor", "encode_cursor"]

MAX_INT64 = 2**63 - 1


class PageParams(BaseModel):
    """Query parameters of a paginated list."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)
    offset: int | None = Field(None, ge=0, le=MAX_INT64)

    @model_validator(mode="after")
    def _one_way(self) -> PageParams:
        if self.cursor is not None and self.offset is not None:
            raise ValueError("use either cursor or offset, not both")
        return self


def encode_cursor(values: dict[str, Any]) -> str:
    """Encode the last row's sort key as an opaque cursor."""
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """Decode a cursor made by `encode_cursor`, or answer 400 naming the parameter."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(
            400,
            "invalid query parameter: cursor",
            details=[{"field": "cursor", "message": "not a cursor returned by this API"}],
        ) from None
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "invalid query parameter: cursor",
            details=[{"field": "cursor", "message": "not a cursor returned by this API"}],
        )
    return data


PAGINATION_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Page size (1-100).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "Opaque cursor from `next_cursor` of the previous page.",
        "schema": {"type": "string", "maxLength": 200},
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "Rows to skip (alternative to cursor).",
        "schema": {"type": "integer", "minimum": 0},
    },
]
