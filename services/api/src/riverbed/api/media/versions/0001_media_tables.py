"""Create the media tables: pages, videos, insights.

Revision ID: media_0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "media_0001"
down_revision = None
branch_labels = ("media",)
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_pages_name"),
    )
    op.create_table(
        "videos",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column(
            "page_id",
            Id,
            sa.ForeignKey("pages.id", ondelete="CASCADE", name="fk_videos_page"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_videos_page_id", "videos", ["page_id"])
    op.create_table(
        "insights",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            Id,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_insights_video"),
            nullable=False,
        ),
        sa.Column("likes", sa.BigInteger, nullable=False),
        sa.Column("views", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("likes >= 0", name="ck_insights_likes"),
        sa.CheckConstraint("views >= 0", name="ck_insights_views"),
    )
    op.create_index("ix_insights_video_id", "insights", ["video_id"])


def downgrade() -> None:
    op.drop_table("insights")
    op.drop_table("videos")
    op.drop_table("pages")
