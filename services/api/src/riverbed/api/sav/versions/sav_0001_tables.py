"""Create the SAV tables: sav_metric_batches, sav_metrics.

Revision ID: sav_0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sav_0001"
down_revision = None
branch_labels = ("sav",)
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sav_metric_batches",
        sa.Column("idempotency_key", sa.String(128), primary_key=True),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sav_metrics",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("tickets", sa.BigInteger, nullable=False),
        sa.Column("answered", sa.BigInteger, nullable=False),
        sa.Column("mean_dt_seconds", sa.Float),
        sa.Column("median_dt_seconds", sa.Float),
        sa.Column("p90_dt_seconds", sa.Float),
        sa.Column("mean_exch_nr", sa.Float),
        sa.Column("batch_key", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("period", "dimension", "key", name="uq_sav_metrics_period_dim_key"),
        sa.CheckConstraint("answered >= 0 AND answered <= tickets", name="ck_sav_metrics_answered"),
    )


def downgrade() -> None:
    op.drop_table("sav_metrics")
    op.drop_table("sav_metric_batches")
