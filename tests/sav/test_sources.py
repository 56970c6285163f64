"""Extract: the CSV reader (and its errors) and the database reader on Postgres and MariaDB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from riverbed.analytics.sav import (
    CsvSource,
    DatabaseSource,
    compute_tickets,
    filter_day,
    open_source,
    read_all,
)
from riverbed.core.errors import DataError, UserInputError
from riverbed.data.sav import SAV_COLUMNS, SavConfig, generate_sav_messages, write_sav_csv

HEADER = ",".join(SAV_COLUMNS)


def _canon(frame: pd.DataFrame) -> pd.DataFrame:
    return compute_tickets(frame).sort_values("ticket_id").reset_index(drop=True)


def test_csv_reader_matches_the_generated_frame(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    write_sav_csv(path, 3_000, SavConfig(seed=3))
    source = CsvSource(path, block_bytes=32 << 10)
    chunks = list(source.chunks())
    assert len(chunks) > 1  # streamed by blocks
    frame = read_all(CsvSource(path, block_bytes=32 << 10))
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    expected = generate_sav_messages(3_000, SavConfig(seed=3))
    pd.testing.assert_frame_equal(_canon(frame), _canon(expected), check_dtype=False)


@pytest.mark.parametrize(
    ("body", "line", "field"),
    [
        ("1,1,not-a-date,1,1,9,2,FR\n", 2, "created_at"),
        ("1,1,2024-05-01T10:00:00+00:00,1,1,9,2,FR\n2,1,,1,1,9,2,FR\n", 3, "created_at"),
        ("1,1,2024-05-01T10:00:00+00:00,,1,9,2,FR\n", 2, "sender_user_id"),
    ],
)
def test_csv_errors_name_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n" + body)
    with pytest.raises(DataError) as err:
        read_all(CsvSource(path))
    assert (err.value.line, err.value.field) == (line, field)
    assert str(path) in str(err.value)


def test_csv_non_integer_id_after_integer_ids_is_located(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    good = "".join(f"{i},{i},2024-05-01T10:00:00Z,1,1,9,2,FR\n" for i in range(1, 3001))
    path.write_text(HEADER + "\n" + good + "3001,x,2024-05-01T10:00:00Z,1,1,9,2,FR\n")
    with pytest.raises(DataError) as err:
        read_all(CsvSource(path, block_bytes=16 << 10))
    assert (err.value.line, err.value.field) == (3002, "ticket_id")


def test_csv_ragged_or_binary_file_is_a_data_error(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(HEADER + "\n1,1,2024-05-01T10:00:00Z,1,1,9,2,FR,extra,cells\n")
    with pytest.raises(DataError, match="unreadable CSV") as err:
        read_all(CsvSource(ragged))
    assert str(ragged) in str(err.value)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(HEADER.encode() + b"\n1,1,\xff\xfe,1,1,9,2,FR\n")
    with pytest.raises(DataError):
        read_all(CsvSource(binary))


def test_csv_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("message_id,ticket_id\n1,1\n")
    with pytest.raises(DataError, match="missing column"):
        read_all(CsvSource(path))
    with pytest.raises(UserInputError, match="no such file"):
        read_all(CsvSource(tmp_path / "absent.csv"))
    with pytest.raises(UserInputError, match="csv:PATH or db:URL"):
        open_source("ftp:x")


def _load_table(url: str, frame: pd.DataFrame) -> None:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table(
        "sav_messages",
        meta,
        sa.Column("message_id", sa.BigInteger, primary_key=True),
        sa.Column("ticket_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender_user_id", sa.BigInteger, nullable=False),
        sa.Column("client_user_id", sa.BigInteger, nullable=False),
        sa.Column("merchant_id", sa.BigInteger, nullable=False),
        sa.Column("merchant_user_id", sa.BigInteger, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
    )
    meta.create_all(engine)
    rows = frame.to_dict("records")
    if engine.dialect.name == "mysql":  # DATETIME holds naive UTC
        for r in rows:
            r["created_at"] = r["created_at"].tz_convert("UTC").tz_localize(None).to_pydatetime()
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    engine.dispose()


@pytest.mark.parametrize("backend", ["postgres", "mariadb"])
def test_database_reader_streams_chunks(backend: str, request: pytest.FixtureRequest) -> None:
    url: str = request.getfixturevalue("pg_url" if backend == "postgres" else "mariadb_url")
    frame = generate_sav_messages(4_000, SavConfig(seed=5), text=False)
    _load_table(url, frame)
    source = open_source(f"db:{url}")
    assert isinstance(source, DatabaseSource)
    source.chunk_rows = 1_000
    chunks = list(source.chunks())
    assert [len(c) for c in chunks[:-1]] == [1_000] * (len(chunks) - 1) and len(chunks) >= 4
    got = pd.concat(chunks, ignore_index=True)
    assert len(got) == len(frame)
    pd.testing.assert_frame_equal(_canon(got), _canon(frame), check_dtype=False)
    assert "***" in source.describe() or "@" in source.describe()

    # --date pushdown: only tickets with a message that day are read, same result after filter
    day = date(2024, 5, 3)
    narrowed = DatabaseSource(url, day=day)
    part = read_all(narrowed)
    assert 0 < len(part) < len(frame)
    pd.testing.assert_frame_equal(
        filter_day(_canon(part), day), filter_day(_canon(frame), day), check_dtype=False
    )
