"""The dsr Alembic branch builds exactly the tables the code uses, and seeds reference data."""

from __future__ import annotations

from sqlalchemy import Engine, func, inspect, select

from riverbed.ingestor.dsr.reference import TERRITORIES
from riverbed.ingestor.dsr.schema import metadata, territory


def test_migrated_tables_match_the_schema_module(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert set(pk) == {c.name for c in table.primary_key.columns}, table.name
    indexes = {i["name"] for i in inspector.get_indexes("dsr")}
    assert {"uq_dsr_ingested_key", "ix_dsr_checksum"} <= indexes
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(territory)) == len(TERRITORIES)


def test_dsr_0002_moves_usages_with_their_resource_inline(db_url: str) -> None:
    from sqlalchemy import text

    from riverbed.core.migrations import upgrade
    from riverbed.core.web._db import make_engine

    upgrade(db_url, "dsr@dsr_0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            for n in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO dsr (id, path, dsp, commercial_model, territory_code,"
                        " currency_code, period_start, period_end, status, checksum, created_at)"
                        f" VALUES ({n}, 'f{n}', 'Spotify', 'Duo', 'NO', 'NOK', '2020-0{n}-01',"
                        f" '2020-0{n}-28', 'ingested', 'c{n}', '2020-03-01')"
                    )
                )
            conn.execute(
                text(
                    "INSERT INTO dsr_resource (id, dsp_id, title, artists, isrc)"
                    " VALUES (10, 'a', 'A', NULL, 'I1'), (11, 'b', NULL, 'B', NULL)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO dsr_usage (dsr_id, resource_id, usages, revenue)"
                    " VALUES (1, 10, 5, 1.5), (1, 11, NULL, 2), (2, 10, 7, NULL)"
                )
            )
        upgrade(db_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT dsp_id, dsr_id, title, artists, isrc, usages, revenue"
                    " FROM dsr_usage ORDER BY dsr_id, dsp_id"
                )
            ).all()
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("a", 1, "A", None, "I1", 5),
        ("b", 1, None, "B", None, None),
        ("a", 2, "A", None, "I1", 7),
    ]
    assert [None if r[6] is None else float(r[6]) for r in rows] == [1.5, 2.0, None]
    assert "dsr_resource" not in tables
