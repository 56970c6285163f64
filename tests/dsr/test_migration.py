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
