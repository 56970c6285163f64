"""Map Debezium column schemas onto DuckDB and Arrow types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa

from riverbed.core.cdc import Column

__all__ = ["arrow_type", "canonical_type", "duck_type", "to_arrow_values"]

_LOGICAL = {
    "io.debezium.time.MicroTimestamp": "TIMESTAMP",
    "io.debezium.time.Timestamp": "TIMESTAMP",
    "io.debezium.time.NanoTimestamp": "TIMESTAMP",
    "org.apache.kafka.connect.data.Timestamp": "TIMESTAMP",
    "io.debezium.time.ZonedTimestamp": "TIMESTAMPTZ",
    "io.debezium.time.Date": "DATE",
    "org.apache.kafka.connect.data.Date": "DATE",
    "io.debezium.time.MicroTime": "TIME",
    "io.debezium.time.Time": "TIME",
    "org.apache.kafka.connect.data.Time": "TIME",
    "io.debezium.data.VariableScaleDecimal": "DECIMAL(38,10)",
    "io.debezium.data.Json": "JSON",
}
_PLAIN = {
    "int8": "SMALLINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "float32": "FLOAT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
    "string": "VARCHAR",
    "bytes": "BLOB",
}


def _decimal(precision: int | None, scale: int | None) -> str:
    p = 38 if precision is None else precision
    s = 10 if scale is None else scale
    if p > 38 or p <= 0 or s < 0 or s > p:
        return "DECIMAL(38,10)"
    return f"DECIMAL({p},{s})"


_ALIASES = {
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIME WITH TIME ZONE": "TIMETZ",
    "INT2": "SMALLINT",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
    "REAL": "FLOAT",
    "BOOL": "BOOLEAN",
}


def canonical_type(duck: str) -> str:
    """Return the spelling `duck_type` uses for a type DuckDB's catalog reports."""
    upper = duck.upper()
    return _ALIASES.get(upper, upper)


def duck_type(col: Column) -> str:
    """Return the DuckDB type storing `col`."""
    spec = col.decimal_spec()
    if spec is not None:
        return _decimal(*spec)
    if col.logical in _LOGICAL:
        return _LOGICAL[col.logical]
    if col.type in ("array", "map", "struct"):
        return "JSON"
    return _PLAIN.get(col.type, "VARCHAR")


def arrow_type(duck: str) -> pa.DataType:
    """Return the Arrow type carrying values of a DuckDB type (as produced by `duck_type`)."""
    if duck.startswith("DECIMAL("):
        p, s = duck[8:-1].split(",")
        return pa.decimal128(int(p), int(s))
    return {
        "SMALLINT": pa.int16(),
        "INTEGER": pa.int32(),
        "BIGINT": pa.int64(),
        "FLOAT": pa.float32(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "BLOB": pa.binary(),
        "TIMESTAMP": pa.timestamp("us"),
        "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
        "DATE": pa.date32(),
        "TIME": pa.time64("us"),
    }.get(duck, pa.string())


def _normalise(value: Any, duck: str) -> Any:
    if value is None:
        return None
    if duck == "JSON" or (duck == "VARCHAR" and isinstance(value, (list, dict))):
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if duck.startswith("DECIMAL") and not isinstance(value, Decimal):
        return Decimal(str(value))
    if duck == "VARCHAR" and not isinstance(value, str):
        return str(value)
    if duck == "TIMESTAMP" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if duck in ("DATE", "TIME") and not isinstance(value, (date, time)):
        return value
    return value


def to_arrow_values(values: Sequence[Any], duck: str) -> pa.Array:
    """Build one Arrow array of `duck`-typed values."""
    typ = arrow_type(duck)
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return pa.array([_normalise(v, duck) for v in values], type=typ)
