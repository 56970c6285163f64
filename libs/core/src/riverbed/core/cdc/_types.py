"""Decode Debezium / Kafka Connect logical types into Python values."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from riverbed.core.cdc._event import UNAVAILABLE, Column

__all__ = ["UNAVAILABLE_TEXT", "decode_value", "decoder_for"]

UNAVAILABLE_TEXT = "__debezium_unavailable_value"
_UNAVAILABLE_BYTES = UNAVAILABLE_TEXT.encode()
_UNAVAILABLE_B64 = base64.b64encode(_UNAVAILABLE_BYTES).decode()
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = date(1970, 1, 1)


def _micro_ts(v: Any) -> datetime:
    return _EPOCH + timedelta(microseconds=int(v))


def _milli_ts(v: Any) -> datetime:
    return _EPOCH + timedelta(milliseconds=int(v))


def _nano_ts(v: Any) -> datetime:
    return _EPOCH + timedelta(microseconds=int(v) // 1000)


def _zoned_ts(v: Any) -> datetime:
    at = datetime.fromisoformat(str(v))  # Python 3.11+ reads Debezium's "Z" suffix
    return at if at.tzinfo is UTC else at.astimezone(UTC)


def _date(v: Any) -> date:
    return _EPOCH_DAY + timedelta(days=int(v))


def _micro_time(v: Any) -> time:
    return (datetime.min + timedelta(microseconds=int(v))).time()


def _milli_time(v: Any) -> time:
    return (datetime.min + timedelta(milliseconds=int(v))).time()


def _bytes(v: Any) -> bytes:
    return base64.b64decode(v) if isinstance(v, str) else bytes(v)


def _decimal_bytes(scale: int) -> Callable[[Any], Decimal]:
    def decode(v: Any) -> Decimal:
        if isinstance(v, (int, float)):
            return Decimal(str(v))
        if isinstance(v, str) and not _looks_b64(v):
            return Decimal(v)
        raw = _bytes(v)
        return Decimal(int.from_bytes(raw, "big", signed=True)).scaleb(-scale)

    return decode


def _looks_b64(v: str) -> bool:
    # decimal.handling.mode=string sends "12.50"; precise mode sends base64 of the unscaled bytes.
    return not all(c in "0123456789.-+eE" for c in v)


def _variable_decimal(v: Any) -> Decimal:
    if isinstance(v, dict):
        scale = int(v["scale"])
        raw = _bytes(v["value"])
        return Decimal(int.from_bytes(raw, "big", signed=True)).scaleb(-scale)
    return Decimal(str(v))


_LOGICAL: dict[str, Callable[[Any], Any]] = {
    "io.debezium.time.MicroTimestamp": _micro_ts,
    "io.debezium.time.Timestamp": _milli_ts,
    "io.debezium.time.NanoTimestamp": _nano_ts,
    "org.apache.kafka.connect.data.Timestamp": _milli_ts,
    "io.debezium.time.ZonedTimestamp": _zoned_ts,
    "io.debezium.time.Date": _date,
    "org.apache.kafka.connect.data.Date": _date,
    "io.debezium.time.MicroTime": _micro_time,
    "io.debezium.time.Time": _milli_time,
    "org.apache.kafka.connect.data.Time": _milli_time,
    "io.debezium.data.VariableScaleDecimal": _variable_decimal,
}


def _decimal_string(v: Any) -> Decimal:
    return Decimal(str(v))


def _identity(v: Any) -> Any:
    return v


@lru_cache(maxsize=4096)
def decoder_for(col: Column) -> Callable[[Any], Any]:
    """Return a function decoding one JSON value of `col` into its Python value."""
    if col.logical == "org.apache.kafka.connect.data.Decimal":
        return _decimal_bytes(int(col.param("scale") or 0))
    if col.logical in _LOGICAL:
        return _LOGICAL[col.logical]
    if col.decimal_spec() is not None:  # NUMERIC sent as a string
        return _decimal_string
    if col.type == "bytes":
        return _bytes
    return _identity


def decode_value(col: Column, value: Any) -> Any:
    """Decode one value; the unchanged-TOAST placeholder becomes UNAVAILABLE."""
    if value is None:
        return None
    if value == UNAVAILABLE_TEXT or (col.type == "bytes" and value == _UNAVAILABLE_B64):
        return UNAVAILABLE
    if isinstance(value, list) and value and value[0] == UNAVAILABLE_TEXT:
        return UNAVAILABLE
    return decoder_for(col)(value)
