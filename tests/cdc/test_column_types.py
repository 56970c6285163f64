"""Fixed-point columns: both Debezium spellings map to the same precision in every sink."""

from __future__ import annotations

from decimal import Decimal

import pytest

from riverbed.core.cdc import Column, decode_value
from riverbed.ingestor.sync.sinks.bigquery._types import bq_type
from riverbed.ingestor.sync.sinks.duckdb._types import duck_type

_SRC = "__debezium.source.column"


def _string_numeric(length: str | None, scale: str | None, source: str = "NUMERIC") -> Column:
    params = [(f"{_SRC}.type", source)]
    if length is not None:
        params.append((f"{_SRC}.length", length))
    if scale is not None:
        params.append((f"{_SRC}.scale", scale))
    return Column("amount", "string", parameters=tuple(params))


def _connect_decimal(precision: str, scale: str) -> Column:
    return Column(
        "amount",
        "bytes",
        logical="org.apache.kafka.connect.data.Decimal",
        parameters=(("scale", scale), ("connect.decimal.precision", precision)),
    )


@pytest.mark.parametrize(
    ("column", "spec", "duck", "bq"),
    [
        (_connect_decimal("12", "2"), (12, 2), "DECIMAL(12,2)", "NUMERIC"),
        (_string_numeric("12", "2"), (12, 2), "DECIMAL(12,2)", "NUMERIC"),
        (_string_numeric("18", "4", source="decimal"), (18, 4), "DECIMAL(18,4)", "NUMERIC"),
        (_string_numeric("38", "0"), (38, 0), "DECIMAL(38,0)", "BIGNUMERIC"),
        (_string_numeric("20", "12"), (20, 12), "DECIMAL(20,12)", "BIGNUMERIC"),
        # No source length or scale at all: each sink's default fixed-point type.
        (_string_numeric(None, None), (None, None), "DECIMAL(38,10)", "NUMERIC"),
        # Unconstrained `numeric`: a length beyond any fixed-point type.
        (_string_numeric("131089", "0"), (131089, 0), "DECIMAL(38,10)", "BIGNUMERIC"),
        (_string_numeric("2147483647", "x"), (2147483647, None), "DECIMAL(38,10)", "BIGNUMERIC"),
    ],
)
def test_fixed_point_columns_keep_their_precision(
    column: Column, spec: tuple[int | None, int | None], duck: str, bq: str
) -> None:
    assert column.decimal_spec() == spec
    assert duck_type(column) == duck
    assert bq_type(column) == bq


@pytest.mark.parametrize(
    "column",
    [
        Column("name", "string"),
        Column("name", "string", parameters=((f"{_SRC}.type", "TEXT"),)),
        Column("n", "int64", parameters=((f"{_SRC}.type", "NUMERIC"),)),
        Column("ts", "int64", logical="io.debezium.time.MicroTimestamp"),
    ],
)
def test_other_columns_are_not_fixed_point(column: Column) -> None:
    assert column.decimal_spec() is None
    assert not duck_type(column).startswith("DECIMAL")


def test_string_numeric_decodes_exactly() -> None:
    col = _string_numeric("30", "10")
    assert decode_value(col, "12345678901234567890.0123456789") == Decimal(
        "12345678901234567890.0123456789"
    )
    assert decode_value(Column("name", "string"), "1.50") == "1.50"
