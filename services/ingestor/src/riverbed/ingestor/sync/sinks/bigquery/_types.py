"""Map Debezium column schemas onto BigQuery types and JSON-loadable values."""

from __future__ import annotations

import base64
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import orjson

from riverbed.core.cdc import Column

__all__ = ["bq_type", "json_value", "stage_type"]

_LOGICAL = {
    "io.debezium.time.MicroTimestamp": "DATETIME",
    "io.debezium.time.Timestamp": "DATETIME",
    "io.debezium.time.NanoTimestamp": "DATETIME",
    "org.apache.kafka.connect.data.Timestamp": "DATETIME",
    "io.debezium.time.ZonedTimestamp": "TIMESTAMP",
    "io.debezium.time.Date": "DATE",
    "org.apache.kafka.connect.data.Date": "DATE",
    "io.debezium.time.MicroTime": "TIME",
    "io.debezium.time.Time": "TIME",
    "org.apache.kafka.connect.data.Time": "TIME",
    "io.debezium.data.VariableScaleDecimal": "BIGNUMERIC",
    "io.debezium.data.Json": "JSON",
}
_PLAIN = {
    "int8": "INT64",
    "int16": "INT64",
    "int32": "INT64",
    "int64": "INT64",
    "float32": "FLOAT64",
    "float64": "FLOAT64",
    "boolean": "BOOL",
    "string": "STRING",
    "bytes": "BYTES",
}


def _decimal(precision: int | None, scale: int | None) -> str:
    p = 38 if precision is None else precision
    s = 9 if scale is None else scale
    # NUMERIC holds 29 integer and 9 fractional digits; anything wider needs BIGNUMERIC.
    return "NUMERIC" if 0 <= s <= 9 and p - s <= 29 else "BIGNUMERIC"


def bq_type(col: Column) -> str:
    """Return the BigQuery type of a mirror column."""
    spec = col.decimal_spec()
    if spec is not None:
        return _decimal(*spec)
    if col.logical in _LOGICAL:
        return _LOGICAL[col.logical]
    if col.type in ("array", "map", "struct"):
        return "JSON"
    return _PLAIN.get(col.type, "STRING")


def stage_type(bq: str) -> str:
    """Return the type a column has in the staging table (JSON travels as text)."""
    return "STRING" if bq == "JSON" else bq


def json_value(value: Any, bq: str) -> Any:
    """Return `value` as newline-delimited JSON for a load job into a `bq` column."""
    if value is None:
        return None
    if bq == "JSON":
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if bq == "BYTES":
        raw = value if isinstance(value, (bytes, bytearray, memoryview)) else str(value).encode()
        return base64.b64encode(bytes(raw)).decode()
    if bq in ("NUMERIC", "BIGNUMERIC"):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if bq == "TIMESTAMP" and isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else value.isoformat() + "+00:00"
    if bq == "DATETIME" and isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if bq == "STRING" and not isinstance(value, str):
        return orjson.dumps(value).decode() if isinstance(value, (dict, list)) else str(value)
    if bq == "FLOAT64" and isinstance(value, Decimal):
        return float(value)
    return value
