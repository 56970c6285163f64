"""Usage rows carry their resource inline, one partition per DSR on Postgres.

Revision ID: dsr_0002
Revises: dsr_0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dsr_0002"
down_revision = "dsr_0001"
branch_labels = None
depends_on = None

Revenue = sa.Numeric().with_variant(sa.Float(), "sqlite")
_COLUMNS = "dsp_id, dsr_id, title, artists, isrc, usages, revenue"


def _new_usage(name: str) -> None:
    op.create_table(
        name,
        sa.Column("dsp_id", sa.Text, primary_key=True),
        sa.Column("dsr_id", sa.BigInteger, primary_key=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("artists", sa.Text, nullable=True),
        sa.Column("isrc", sa.Text, nullable=True),
        sa.Column("usages", sa.BigInteger, nullable=True),
        sa.Column("revenue", Revenue, nullable=True),
        postgresql_partition_by="LIST (dsr_id)",
    )


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    op.rename_table("dsr_usage", "dsr_usage_v1")
    op.drop_index("ix_dsr_usage_resource", table_name="dsr_usage_v1")
    _new_usage("dsr_usage" if postgres else "dsr_usage_v2")
    ids = [int(i) for i in conn.scalars(sa.text("SELECT DISTINCT dsr_id FROM dsr_usage_v1"))]
    for dsr_id in ids:
        target = "dsr_usage_v2"
        if postgres:
            target = f"dsr_usage_{dsr_id}"
            op.execute(f"CREATE TABLE {target} PARTITION OF dsr_usage FOR VALUES IN ({dsr_id})")
        op.execute(
            f"INSERT INTO {target} ({_COLUMNS}) SELECT r.dsp_id, u.dsr_id, r.title, r.artists,"
            " r.isrc, u.usages, u.revenue FROM dsr_usage_v1 u"
            f" JOIN dsr_resource r ON r.id = u.resource_id WHERE u.dsr_id = {dsr_id}"
        )
    op.drop_table("dsr_usage_v1")
    op.drop_table("dsr_resource")
    if not postgres:
        op.rename_table("dsr_usage_v2", "dsr_usage")


def downgrade() -> None:
    raise NotImplementedError("dsr_0002 moves usage rows into per-DSR partitions: restore a backup")
