"""Create the DSR tables and seed currencies and territories.

Revision ID: dsr_0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from riverbed.ingestor.dsr.reference import CURRENCIES, TERRITORIES

revision = "dsr_0001"
down_revision = None
branch_labels = ("dsr",)
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Revenue = sa.Numeric().with_variant(sa.Float(), "sqlite")


def upgrade() -> None:
    currency = op.create_table(
        "dsr_currency",
        sa.Column("code", sa.String(3), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(8), nullable=True),
    )
    territory = op.create_table(
        "dsr_territory",
        sa.Column("code_2", sa.String(2), primary_key=True),
        sa.Column("code_3", sa.String(3), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column(
            "local_currency", sa.String(3), sa.ForeignKey("dsr_currency.code"), nullable=False
        ),
    )
    op.create_table(
        "dsr",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("dsp", sa.String(64), nullable=False),
        sa.Column("commercial_model", sa.String(128), nullable=False),
        sa.Column(
            "territory_code", sa.String(2), sa.ForeignKey("dsr_territory.code_2"), nullable=False
        ),
        sa.Column(
            "currency_code", sa.String(3), sa.ForeignKey("dsr_currency.code"), nullable=False
        ),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("lines_total", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lines_ingested", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lines_rejected", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lines_missing_usages", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lines_missing_revenue", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('failed', 'ingested')", name="ck_dsr_status"),
        sa.CheckConstraint("period_start <= period_end", name="ck_dsr_period"),
    )
    op.create_index("ix_dsr_checksum", "dsr", ["checksum"])
    op.create_index(
        "ix_dsr_territory_period", "dsr", ["territory_code", "period_start", "period_end"]
    )
    op.create_index(
        "uq_dsr_ingested_key",
        "dsr",
        ["dsp", "commercial_model", "territory_code", "period_start", "period_end"],
        unique=True,
        postgresql_where=sa.text("status = 'ingested'"),
        sqlite_where=sa.text("status = 'ingested'"),
    )
    op.create_table(
        "dsr_resource",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("dsp_id", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("artists", sa.Text, nullable=True),
        sa.Column("isrc", sa.Text, nullable=True),
    )
    op.create_table(
        "dsr_usage",
        sa.Column("dsr_id", sa.BigInteger, primary_key=True),
        sa.Column("resource_id", sa.BigInteger, primary_key=True),
        sa.Column("usages", sa.BigInteger, nullable=True),
        sa.Column("revenue", Revenue, nullable=True),
    )
    op.create_index("ix_dsr_usage_resource", "dsr_usage", ["resource_id"])
    op.create_table(
        "dsr_reject",
        sa.Column(
            "dsr_id", sa.BigInteger, sa.ForeignKey("dsr.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("line_no", sa.BigInteger, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "fx_rate",
        sa.Column("currency_code", sa.String(3), primary_key=True),
        sa.Column("rate_date", sa.Date, primary_key=True),
        sa.Column("rate", sa.Numeric(18, 8), nullable=False),
        sa.CheckConstraint("rate > 0", name="ck_fx_rate_positive"),
    )
    op.bulk_insert(
        currency, [{"code": c, "name": n, "symbol": s} for c, (n, s) in CURRENCIES.items()]
    )
    op.bulk_insert(
        territory,
        [
            {"code_2": c, "name": n, "code_3": c3, "local_currency": cur}
            for c, (n, c3, cur) in TERRITORIES.items()
        ],
    )


def downgrade() -> None:
    for name in (
        "fx_rate",
        "dsr_reject",
        "dsr_usage",
        "dsr_resource",
        "dsr",
        "dsr_territory",
        "dsr_currency",
    ):
        op.drop_table(name)
