"""Create the reviews table when absent and add the product, reviewer and time indexes.

Revision ID: r0001_reviews
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from riverbed.api.reviews._schema import INDEXES, TABLE, reviews_table

revision = "r0001_reviews"
down_revision = None
branch_labels = ("reviews",)
depends_on = None


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def upgrade() -> None:
    """Keep an existing exercise table as is; create it otherwise; add indexes on both."""
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(TABLE):
        reviews_table(sa.MetaData()).create(bind)
    for name, columns in INDEXES:
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{TABLE}" ({_quoted(columns)})')


def downgrade() -> None:
    """Drop the indexes; the table and its data stay (it may predate this branch)."""
    for name, _columns in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
