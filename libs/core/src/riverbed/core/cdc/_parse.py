"""Parse Debezium envelopes (JSON, with or without the Connect schema) into ChangeEvents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec
import orjson

from riverbed.core.cdc._event import OPS, UNAVAILABLE, ChangeEvent, Column, DeadLetter
from riverbed.core.cdc._types import UNAVAILABLE_TEXT, _identity, decode_value, decoder_for

__all__ = ["EnvelopeError", "parse_or_dead_letter", "parse_record", "table_from_topic"]

ColumnsHint = Mapping[str, tuple[Column, ...]]


class EnvelopeError(ValueError):
    """A message is not a valid Debezium change envelope; the message says why."""


def table_from_topic(topic: str | None) -> tuple[str, str] | None:
    """Return (schema, table) from a Debezium topic `prefix.schema.table`, or None."""
    if not topic:
        return None
    parts = topic.split(".")
    if len(parts) < 3:
        return None
    return parts[-2], parts[-1]


def _load(raw: bytes | str | memoryview | None, what: str) -> Any:
    if raw is None:
        return None
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise EnvelopeError(f"{what} is not valid JSON: {exc}") from None


_MARK = ',"payload":'
_ROUTER_KEY = "__dbz__physicalTableIdentifier"
# Connect types whose values are never strings: an unchanged-TOAST placeholder cannot occur
_PLAIN_TYPES = frozenset({"int8", "int16", "int32", "int64", "float32", "float64", "boolean"})


class _Decoders:
    """How to decode the rows of one struct schema: every column, and those needing work."""

    __slots__ = ("all", "names", "work")

    def __init__(self, columns: tuple[tuple[str, Column, Any], ...]) -> None:
        self.all = columns
        self.names = tuple(name for name, _, _ in columns)
        # numbers and booleans decoded as they are need no step: only the others are visited
        self.work = tuple(
            (name, c, fn, c.type in ("bytes", "array"))
            for name, c, fn in columns
            if fn is not _identity or c.type not in _PLAIN_TYPES
        )

    def without(self, name: str) -> _Decoders:
        """Return these decoders less one column."""
        return _Decoders(tuple(d for d in self.all if d[0] != name))


class _Schema(NamedTuple):
    """A parsed Connect schema: the envelope's row columns, or a key struct's own fields."""

    doc: Any
    row_columns: tuple[Column, ...] | None = None
    row_decoders: _Decoders | None = None
    struct_decoders: _Decoders | None = None  # a key struct's fields


_SCHEMAS: dict[str, _Schema] = {}


def _decoders(cols: tuple[Column, ...] | None) -> _Decoders | None:
    if cols is None:
        return None
    return _Decoders(tuple((c.name, c, decoder_for(c)) for c in cols))


def _describe(doc: Any) -> _Schema:
    if not isinstance(doc, dict):
        return _Schema(doc)
    cols = _row_columns(doc)
    return _Schema(doc, cols, _decoders(cols), _decoders(_columns(doc)))


def _schema_entry(schema_text: str) -> _Schema:
    """Return the parsed schema of a schema JSON text, cached by its text."""
    cached = _SCHEMAS.get(schema_text)
    if cached is None:
        cached = _describe(orjson.loads(schema_text))
        if len(_SCHEMAS) > 512:
            _SCHEMAS.clear()
        _SCHEMAS[schema_text] = cached
    return cached


_NO_SCHEMA = _Schema(None)

# The heads (`{"schema":<schema>,"payload":`) of the documents whose schema was parsed last,
# newest first. Debezium repeats a table's schema in every message, and a document that starts
# with a head whose schema is a complete JSON value has that schema: comparing the bytes replaces
# decoding the document, finding its payload, and hashing the schema text for `_SCHEMAS`.
_RECENT: list[tuple[bytes, _Schema]] = []


def _remember(head: bytes, schema: _Schema) -> None:
    """Put a document head first among the recent ones (never there yet: it would have matched)."""
    _RECENT.insert(0, (head, schema))
    del _RECENT[16:]


class _Source(msgspec.Struct):
    """The fields of Debezium's `source` block read here (the others are skipped unparsed)."""

    ts_us: int | None = None
    ts_ms: int | None = None
    snapshot: Any = None
    sequence: Any = None
    schema: Any = None
    table: Any = None
    txId: int | None = None  # Debezium's spelling
    lsn: int | None = None


class _Envelope(msgspec.Struct):
    """A change envelope's payload; the images stay as parsed, validated by `parse_record`."""

    op: Any = None
    source: _Source | None = None
    before: Any = None
    after: Any = None
    ts_us: int | None = None
    ts_ms: int | None = None


_ENVELOPE = msgspec.json.Decoder(_Envelope, strict=False)


def _as_envelope(payload: Any) -> _Envelope | None:
    """Return a parsed payload as an envelope (None for null); EnvelopeError if it is none."""
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise EnvelopeError("value is not a JSON object")
    if not isinstance(payload.get("source"), dict):
        payload = {**payload, "source": None}  # reported by parse_record, after the op
    try:
        return msgspec.convert(payload, _Envelope, strict=False)
    except msgspec.ValidationError as exc:
        raise EnvelopeError(f"malformed envelope: {exc}") from None


def _payload(raw: bytes | str | memoryview, what: str, typed: bool) -> Any:
    """Parse a payload: as an envelope when `typed` (directly when it is one), else as JSON."""
    if typed:
        try:
            return _ENVELOPE.decode(raw)
        except msgspec.DecodeError:  # not an envelope as Debezium writes it: say why below
            return _as_envelope(_load(raw, what))
    return _load(raw, what)


def _fast_load(
    raw: bytes | str | None, what: str, schema_text: str | None = None, *, typed: bool = False
) -> tuple[Any, _Schema]:
    """Parse JsonConverter output; the schema part is parsed once per distinct schema text.

    With `schema_text`, `raw` is the payload alone (written without schema) and the schema
    comes separately. Returns (payload, schema); with `typed`, the payload is an `_Envelope`.
    """
    if raw is None:
        return None, _NO_SCHEMA
    if schema_text is not None:
        try:
            schema = _schema_entry(schema_text)
        except orjson.JSONDecodeError as exc:
            raise EnvelopeError(f"{what} schema is not valid JSON: {exc}") from None
        return _payload(raw, what, typed), schema
    data = raw.encode() if isinstance(raw, str) else raw
    if data.endswith(b"}"):
        for head, schema in _RECENT:
            if data.startswith(head):
                return _payload(memoryview(data)[len(head) : -1], what, typed), schema
    text = raw.decode() if isinstance(raw, (bytes, bytearray)) else raw
    if text.startswith('{"schema":') and text.endswith("}"):
        i = text.find(_MARK)
        if i > 0:
            try:
                schema = _schema_entry(text[10:i])
                payload = _payload(text[i + len(_MARK) : -1], what, typed)
            except (orjson.JSONDecodeError, EnvelopeError):
                pass  # not the layout we expect: parse the whole document
            else:
                _remember(text[: i + len(_MARK)].encode(), schema)
                return payload, schema
    payload, doc = _split(_load(text, what))
    if typed:
        payload = _as_envelope(payload)
    return payload, _describe(doc) if doc is not None else _NO_SCHEMA


def _split(doc: Any) -> tuple[Any, dict[str, Any] | None]:
    """Return (payload, connect schema) for JSON written with or without schemas."""
    if isinstance(doc, dict) and "payload" in doc and "schema" in doc and len(doc) == 2:
        return doc["payload"], doc["schema"]
    return doc, None


@lru_cache(maxsize=4096)
def _column(name: str, type_: str, logical: str | None, optional: bool, params: str) -> Column:
    parameters = tuple(orjson.loads(params).items()) if params else ()
    return Column(name, type_, logical, optional, parameters)


def _columns(struct: dict[str, Any] | None) -> tuple[Column, ...] | None:
    if not struct or "fields" not in struct:
        return None
    out = []
    for f in struct["fields"]:
        params = f.get("parameters")
        out.append(
            _column(
                f["field"],
                f.get("type", "string"),
                f.get("name"),
                bool(f.get("optional", True)),
                orjson.dumps(params).decode() if params else "",
            )
        )
    return tuple(out)


def _row_columns(schema: dict[str, Any] | None) -> tuple[Column, ...] | None:
    if not schema:
        return None
    for f in schema.get("fields", ()):
        if f.get("field") in ("after", "before") and f.get("type") == "struct":
            return _columns(f)
    return None


def _decode_row(row: Any, decoders: _Decoders | None, where: str) -> dict[str, Any] | None:
    if row is None:
        return None
    if not isinstance(row, dict):
        raise EnvelopeError(f"{where} is not an object")
    if decoders is None:
        return dict(row)
    if tuple(row) == decoders.names:
        # every column present in schema order, as Debezium writes them: decode the parsed
        # object in place, visiting only the columns that need a step
        for name, c, fn, special in decoders.work:
            v = row[name]
            if v is not None:
                row[name] = _decode(v, c, fn, special, where, name)
        return row
    out: dict[str, Any] = {}
    for name, c, fn in decoders.all:
        v = row.get(name)
        out[name] = (
            None if v is None else _decode(v, c, fn, c.type in ("bytes", "array"), where, name)
        )
    return out


def _decode(v: Any, c: Column, fn: Any, special: bool, where: str, name: str) -> Any:
    """Decode one non-null value of column `c` (`special`: bytes or array)."""
    if v.__class__ is str and v == UNAVAILABLE_TEXT:
        return UNAVAILABLE
    try:
        if special:
            return decode_value(c, v)
        return fn(v) if fn is not _identity else v
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise EnvelopeError(f"{where}.{name}: cannot decode {c.logical or c.type}: {exc}") from None


def _ts(us: int | None, ms: int | None) -> datetime | None:
    """Return the UTC time of a block's `ts_us` (or `ts_ms`), or None."""
    if us is None:
        if ms is None:
            return None
        us = ms * 1000
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def _last_commit(seq: Any) -> int | None:
    """Return the previous commit's LSN from `source.sequence` ('["<commit>","<lsn>"]')."""
    if not seq:
        return None
    if seq.__class__ is str and seq.startswith('["'):  # '["<last commit>","<lsn>"]'
        try:
            return int(seq[2 : seq.find('"', 2)])
        except ValueError:
            pass
    try:
        items = orjson.loads(seq) if isinstance(seq, str) else seq
    except orjson.JSONDecodeError:
        return None
    return _int(items[0]) if items else None


def parse_record(
    key: bytes | str | None,
    value: bytes | str | None,
    *,
    topic: str | None = None,
    columns: ColumnsHint | None = None,
    keep_raw: bool = False,
    key_schema: str | None = None,
    value_schema: str | None = None,
) -> ChangeEvent:
    """Parse one Debezium record (key and value JSON) into a ChangeEvent or raise EnvelopeError.

    A record without value is a tombstone: the table comes from the topic. `columns` maps
    `schema.table` to column types used to decode payloads written without a schema;
    `key_schema` / `value_schema` are the Connect schemas (JSON) of a key / value written
    without them.
    """
    key_payload, key_parsed = _fast_load(key, "key", key_schema)
    key_decoders = key_parsed.struct_decoders
    if isinstance(key_payload, dict) and _ROUTER_KEY in key_payload:
        # added by Debezium's logical table router to keep keys unique: not a column
        key_payload = {k: v for k, v in key_payload.items() if k != _ROUTER_KEY}
        if key_decoders is not None:
            key_decoders = key_decoders.without(_ROUTER_KEY)
    payload, value_parsed = _fast_load(value, "value", value_schema, typed=True)
    cols, decoders = value_parsed.row_columns, value_parsed.row_decoders
    if payload is None:
        where = table_from_topic(topic)
        if where is None or not isinstance(key_payload, dict):
            raise EnvelopeError("tombstone without a table topic or a key")
        return ChangeEvent(table=where[1], schema=where[0], op="d", key=key_payload, tombstone=True)
    op = payload.op
    if op not in OPS:
        raise EnvelopeError(f"unknown or missing op {op!r}")
    source = payload.source
    if source is None:
        raise EnvelopeError("envelope has no source block")
    table = source.table
    db_schema = source.schema or "public"
    if not table:
        where = table_from_topic(topic)
        if where is None:
            raise EnvelopeError("envelope names no table")
        db_schema, table = where
    if cols is None and columns is not None:
        cols = columns.get(f"{db_schema}.{table}")
        decoders = _decoders(cols)
    before = _decode_row(payload.before, decoders, "before")
    after = _decode_row(payload.after, decoders, "after")
    if op in ("c", "u", "r") and after is None:
        raise EnvelopeError(f"op {op!r} without an after image")
    if op == "d" and before is None and not isinstance(key_payload, dict):
        raise EnvelopeError("delete without a before image or key")
    if isinstance(key_payload, dict):
        if key_decoders is not None:
            key_dict = _decode_row(key_payload, key_decoders, "key") or {}
        else:
            image = after if after is not None else before
            key_dict = {k: (image or {}).get(k, v) for k, v in key_payload.items()}
    else:
        key_dict = {}
    snap = source.snapshot
    return ChangeEvent(
        table=str(table),
        schema=str(db_schema),
        op=op,
        key=key_dict,
        before=before,
        after=after,
        lsn=source.lsn,
        tx_id=source.txId,
        commit_ts=_ts(source.ts_us, source.ts_ms),
        source_ts=_ts(payload.ts_us, payload.ts_ms),
        last_commit_lsn=_last_commit(source.sequence),
        snapshot=snap not in (None, False, "false"),
        snapshot_marker=snap if isinstance(snap, str) and snap != "false" else None,
        columns=cols,
        raw=(value.encode() if isinstance(value, str) else value) if keep_raw else None,
    )


def _as_bytes(v: bytes | str | None) -> bytes | None:
    return v.encode() if isinstance(v, str) else v


def _document(raw: bytes | str | None, schema: str | None) -> bytes | None:
    """Return `raw` as one JsonConverter document (schema included when given apart)."""
    data = _as_bytes(raw)
    if data is None or schema is None:
        return data
    return b'{"schema":' + schema.encode() + b',"payload":' + data + b"}"


def parse_or_dead_letter(
    key: bytes | str | None,
    value: bytes | str | None,
    *,
    topic: str | None = None,
    columns: ColumnsHint | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key_schema: str | None = None,
    value_schema: str | None = None,
) -> ChangeEvent | DeadLetter:
    """Parse one record; a bad one becomes a DeadLetter with its raw payload and the reason.

    A key or value given without its schema is dead-lettered as a whole JsonConverter document.
    """
    try:
        return parse_record(
            key,
            value,
            topic=topic,
            columns=columns,
            key_schema=key_schema,
            value_schema=value_schema,
        )
    except (EnvelopeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        where = table_from_topic(topic)
        reason = str(exc) if isinstance(exc, EnvelopeError) else f"malformed envelope: {exc!r}"
        return DeadLetter(
            reason=reason,
            value=_document(value, value_schema),
            key=_document(key, key_schema),
            topic=topic,
            table=where[1] if where else None,
            partition=partition,
            offset=offset,
        )
