"""Parse real Debezium envelopes (captured from the media tables) into ChangeEvents."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from riverbed.core.cdc import (
    UNAVAILABLE,
    ChangeEvent,
    DeadLetter,
    EnvelopeError,
    parse_or_dead_letter,
    parse_record,
)


def _parse_all(records: list[dict[str, Any]], **kw: Any) -> list[ChangeEvent]:
    return [parse_record(r["key"], r["value"], topic=r["topic"], **kw) for r in records]


def test_ops_tables_and_positions(schema_run: list[dict[str, Any]]) -> None:
    events = _parse_all(schema_run)
    assert [(e.table, e.op, e.tombstone) for e in events] == [
        ("pages", "r", False),
        ("videos", "r", False),
        ("insights", "r", False),
        ("cdc_types", "r", False),
        ("pages", "c", False),
        ("videos", "c", False),
        ("videos", "c", False),
        ("videos", "u", False),
        ("videos", "d", False),
        ("videos", "d", True),
        ("cdc_types", "c", False),
        ("cdc_types", "u", False),
        ("insights", "t", False),
    ]
    assert all(e.snapshot for e in events[:4]) and not any(e.snapshot for e in events[4:])
    streamed = [e for e in events[4:] if not e.tombstone]
    assert all(isinstance(e.lsn, int) and e.lsn > 0 for e in streamed)
    assert all(isinstance(e.tx_id, int) for e in streamed)
    assert [e.position for e in streamed] == sorted(e.position for e in streamed)
    assert all(e.commit_ts is not None and e.commit_ts.tzinfo is UTC for e in streamed)


def test_keys_images_and_delete(schema_run: list[dict[str, Any]]) -> None:
    events = _parse_all(schema_run)
    update, delete, tomb = events[7], events[8], events[9]
    assert update.key == {"id": 1} and update.after is not None
    assert update.after["title"] == "Video A (edited)"
    assert delete.key == {"id": 2} and delete.after is None and delete.row is None
    assert tomb.key == {"id": 2} and tomb.lsn is None and tomb.before is None
    assert isinstance(events[4].after["created_at"], datetime)  # type: ignore[index]


def test_logical_types_decoded(schema_run: list[dict[str, Any]]) -> None:
    snap = _parse_all(schema_run)[3].after
    assert snap is not None
    assert snap["price"] == Decimal("1234567890.12")
    assert snap["ratio"] == Decimal("0.00001")
    assert snap["ts"] == datetime(2024, 1, 2, 3, 4, 5, 123456)
    assert snap["tstz"] == datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert snap["d"] == date(2024, 1, 2)
    assert snap["t"] == time(3, 4, 5, 123456)
    assert snap["payload"] == b"\xde\xad\xbe\xef"
    assert snap["small"] == 7 and snap["flag"] is True
    second = _parse_all(schema_run)[10].after
    assert second is not None
    assert second["price"] == Decimal("-12345.67")
    assert second["d"] == date(1900, 1, 1)
    assert second["tstz"] == datetime(2024, 2, 29, 10, 0, 0, 500000, tzinfo=UTC)
    assert second["ts"] == datetime(1999, 12, 31, 23, 59, 59, 999999)


def test_unchanged_toast_becomes_unavailable(schema_run: list[dict[str, Any]]) -> None:
    ev = _parse_all(schema_run)[11]
    assert ev.op == "u" and ev.after is not None
    assert ev.after["body"] is UNAVAILABLE
    assert ev.after["flag"] is True


def test_truncate(schema_run: list[dict[str, Any]]) -> None:
    ev = _parse_all(schema_run)[12]
    assert ev.op == "t" and ev.table == "insights" and ev.key == {} and ev.row is None
    assert ev.lsn is not None


def test_plain_json_without_schema(
    plain_run: list[dict[str, Any]], schema_run: list[dict[str, Any]]
) -> None:
    raw = _parse_all(plain_run)
    assert raw[3].columns is None
    assert raw[3].after is not None and raw[3].after["ts"] == 1704164645123456  # undecoded
    assert raw[11].after is not None and raw[11].after["body"] == "__debezium_unavailable_value"
    # with column types known (e.g. from the schema-ful stream), the same payload decodes
    typed = _parse_all(schema_run)[3]
    assert typed.columns is not None
    hint = {"public.cdc_types": typed.columns}
    decoded = _parse_all(plain_run[3:4], columns=hint)[0].after
    assert decoded is not None
    assert decoded["ts"] == datetime(2024, 1, 2, 3, 4, 5, 123456)
    assert raw[9].tombstone and raw[9].key == {"id": 2}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"op": "x", "source": {"table": "pages"}}', "unknown or missing op"),
        ('{"op": "c", "source": {"table": "pages"}, "after": null}', "without an after image"),
        ('{"op": "c", "after": {"id": 1}}', "no source block"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_bad_messages_become_dead_letters(value: str, reason: str) -> None:
    item = parse_or_dead_letter('{"id": 1}', value, topic="riverbed.public.pages", offset=7)
    assert isinstance(item, DeadLetter)
    assert reason in item.reason
    assert item.value == value.encode() and item.table == "pages" and item.offset == 7
    with pytest.raises(EnvelopeError):
        parse_record('{"id": 1}', value)


def test_malformed_schema_is_a_dead_letter_not_a_crash(schema_run: list[dict[str, Any]]) -> None:
    value = schema_run[4]["value"].replace('"field":"name"', '"fieldx":"name"', 1)
    item = parse_or_dead_letter(schema_run[4]["key"], value, topic=schema_run[4]["topic"])
    assert isinstance(item, DeadLetter) and "malformed envelope" in item.reason


def test_bad_logical_value_names_the_field(schema_run: list[dict[str, Any]]) -> None:
    value = schema_run[3]["value"].replace('"d":19724', '"d":"yesterday"')
    with pytest.raises(EnvelopeError, match=r"after\.d: cannot decode io\.debezium\.time\.Date"):
        parse_record(schema_run[3]["key"], value)


@pytest.mark.parametrize("run", ["schema_run", "plain_run"])
def test_logical_table_router_key_field_is_not_a_column(
    run: str, request: pytest.FixtureRequest
) -> None:
    """Keys made unique per table by ByLogicalTableRouter parse to the row's own key."""
    records: list[dict[str, Any]] = request.getfixturevalue(run)
    record = next(r for r in records if r["topic"].endswith(".videos") and r["value"])
    key = json.loads(record["key"])
    marker = {"__dbz__physicalTableIdentifier": "riverbed.public.videos"}
    if "schema" in key:
        field = {"type": "string", "optional": False, "field": "__dbz__physicalTableIdentifier"}
        key["schema"]["fields"].append(field)
        key["payload"].update(marker)
    else:
        key.update(marker)
    routed = parse_record(json.dumps(key), record["value"], topic="riverbed-cdc")
    plain = parse_record(record["key"], record["value"], topic=record["topic"])
    assert routed.key == plain.key == {"id": plain.key["id"]}
    assert (routed.table, routed.op, routed.after) == (plain.table, plain.op, plain.after)


def _with_after(record: dict[str, Any], after: dict[str, Any]) -> str:
    doc = json.loads(record["value"])
    doc["payload"]["after"] = after
    return json.dumps(doc)


def test_row_in_another_layout_decodes_as_debezium_writes_it(
    schema_run: list[dict[str, Any]],
) -> None:
    """Fields reordered, one missing, one unknown: same values, schema order, None for the gap."""
    record = schema_run[3]
    expected = parse_record(record["key"], record["value"], topic=record["topic"]).after
    assert expected is not None
    after = dict(reversed(json.loads(record["value"])["payload"]["after"].items()))
    del after["tstz"]
    after["not_a_column"] = 1
    ev = parse_record(record["key"], _with_after(record, after), topic=record["topic"])
    assert ev.after is not None and list(ev.after) == list(expected)
    assert ev.after == {**expected, "tstz": None}


def test_unavailable_placeholder_in_any_text_column(schema_run: list[dict[str, Any]]) -> None:
    record = schema_run[3]
    after = json.loads(record["value"])["payload"]["after"]
    after.update(doc="__debezium_unavailable_value", small=None)
    ev = parse_record(record["key"], _with_after(record, after), topic=record["topic"])
    assert ev.after is not None
    assert ev.after["doc"] is UNAVAILABLE and ev.after["small"] is None
    assert ev.after["body"] is not UNAVAILABLE and ev.after["price"] == Decimal("1234567890.12")


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [('["28699904","28700160"]', 28699904), ('[null,"28699648"]', None), ('["x","1"]', None)],
)
def test_last_commit_lsn_from_the_source_sequence(
    schema_run: list[dict[str, Any]], sequence: str, expected: int | None
) -> None:
    record = schema_run[5]
    doc = json.loads(record["value"])
    doc["payload"]["source"]["sequence"] = sequence
    ev = parse_or_dead_letter(record["key"], json.dumps(doc), topic=record["topic"])
    if sequence.startswith('["x"'):
        assert isinstance(ev, DeadLetter) and "invalid literal" in ev.reason
    else:
        assert isinstance(ev, ChangeEvent) and ev.last_commit_lsn == expected


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"source": "pages"}, "envelope has no source block"),
        ({"source": {"table": "videos", "lsn": "not a number"}}, "$.source.lsn"),
        ({"ts_us": [1]}, "$.ts_us"),
    ],
)
def test_envelope_field_of_the_wrong_type_is_named(
    schema_run: list[dict[str, Any]], change: dict[str, Any], reason: str
) -> None:
    record = schema_run[5]
    doc = json.loads(record["value"])
    doc["payload"].update(change)
    item = parse_or_dead_letter(record["key"], json.dumps(doc), topic=record["topic"])
    assert isinstance(item, DeadLetter) and reason in item.reason


def test_numbers_sent_as_text_are_read(schema_run: list[dict[str, Any]]) -> None:
    record = schema_run[5]
    expected = parse_record(record["key"], record["value"], topic=record["topic"])
    doc = json.loads(record["value"])
    source = doc["payload"]["source"]
    source.update(lsn=str(source["lsn"]), txId=str(source["txId"]), ts_us=str(source["ts_us"]))
    ev = parse_record(record["key"], json.dumps(doc), topic=record["topic"])
    assert (ev.lsn, ev.tx_id, ev.commit_ts) == (expected.lsn, expected.tx_id, expected.commit_ts)
    assert isinstance(ev.lsn, int) and ev.lsn > 0


def test_a_known_schema_head_reads_the_payload_and_a_changed_schema_its_own(
    schema_run: list[dict[str, Any]],
) -> None:
    rec = schema_run[4]  # pages, created: its schema head is now a recent one
    first = parse_record(rec["key"], rec["value"], topic=rec["topic"])
    again = parse_record(rec["key"].encode(), rec["value"].encode(), topic=rec["topic"])
    assert again.after == first.after and again.columns == first.columns
    # the same table with a column added: another head, so the new schema types the row
    doc = json.loads(rec["value"])
    for part in ("before", "after"):
        fields = next(f for f in doc["schema"]["fields"] if f["field"] == part)["fields"]
        fields.append({"type": "int32", "optional": True, "field": "rank"})
    doc["payload"]["after"]["rank"] = 3
    grown = parse_record(rec["key"], json.dumps(doc, separators=(",", ":")), topic=rec["topic"])
    assert grown.after is not None and grown.after["rank"] == 3
    assert grown.columns is not None and [c.name for c in grown.columns][-1] == "rank"
    # a broken payload behind a known head is a dead letter naming the problem
    broken = rec["value"][:-2] + "!}"
    item = parse_or_dead_letter(rec["key"], broken, topic=rec["topic"])
    assert isinstance(item, DeadLetter) and "not valid JSON" in item.reason
    assert item.value == broken.encode()
