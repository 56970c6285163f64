"""Change data capture: the one ChangeEvent type and the Debezium envelope parser."""

from riverbed.core.cdc._event import (
    OPS,
    UNAVAILABLE,
    ChangeEvent,
    Column,
    DeadLetter,
    Op,
    Position,
    Unavailable,
)
from riverbed.core.cdc._parse import (
    EnvelopeError,
    parse_or_dead_letter,
    parse_record,
    table_from_topic,
)
from riverbed.core.cdc._types import UNAVAILABLE_TEXT, decode_value, decoder_for
from riverbed.core.cdc._warehouse import WarehouseLock, read_warehouse

__all__ = [
    "OPS",
    "UNAVAILABLE",
    "UNAVAILABLE_TEXT",
    "ChangeEvent",
    "Column",
    "DeadLetter",
    "EnvelopeError",
    "Op",
    "Position",
    "Unavailable",
    "WarehouseLock",
    "decode_value",
    "decoder_for",
    "parse_or_dead_letter",
    "parse_record",
    "read_warehouse",
    "table_from_topic",
]
