"""Web helpers shared by every Flask blueprint: JSON errors, sessions, OpenAPI, plugins."""

from riverbed.core.web._db import Database, get_session
from riverbed.core.web._errors import ApiError, error_response, register_error_handlers
from riverbed.core.web._openapi import OpenApiRegistry, ref
from riverbed.core.web._pagination import (
    MAX_INT64,
    PAGINATION_PARAMETERS,
    PageParams,
    decode_cursor,
    encode_cursor,
)
from riverbed.core.web._plugin import API_ENTRY_POINT_GROUP, ApiPlugin, load_api_plugins
from riverbed.core.web._validation import parse_body, parse_query

__all__ = [
    "API_ENTRY_POINT_GROUP",
    "MAX_INT64",
    "PAGINATION_PARAMETERS",
    "ApiError",
    "ApiPlugin",
    "Database",
    "OpenApiRegistry",
    "PageParams",
    "decode_cursor",
    "encode_cursor",
    "error_response",
    "get_session",
    "load_api_plugins",
    "parse_body",
    "parse_query",
    "ref",
    "register_error_handlers",
]
