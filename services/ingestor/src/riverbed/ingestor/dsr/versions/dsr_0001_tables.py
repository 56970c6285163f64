"""Create the DSR tables and seed currencies and territories.

Revision ID: dsr_0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from riverbed.ingestor.dsr.reference import CURRENCIES, TERRITORIES
from riverbed.ingestor.dsr.schema import metadata

revision = "dsr_0001"
down_revision = None
branch_labels = ("dsr",)
depends_on = None

_TABLES = [
    "dsr_currency",
    "dsr_territory",
    "dsr",
    "dsr_resource",
    "dsr_usage",
    "dsr_reject",
    "fx_rate",
]


def upgrade() -> None:
    bind = op.get_bind()
    tables = [metadata.tables[name] for name in _TABLES]
    metadata.create_all(bind, tables=tables)
    op.bulk_insert(
        metadata.tables["dsr_currency"],
        [{"code": c, "name": n, "symbol": s} for c, (n, s) in CURRENCIES.items()],
    )
    op.bulk_insert(
        metadata.tables["dsr_territory"],
        [
            {"code_2": c, "name": n, "code_3": c3, "local_currency": cur}
            for c, (n, c3, cur) in TERRITORIES.items()
        ],
    )


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(_TABLES):
        sa.Table(name, sa.MetaData()).drop(bind, checkfirst=True)
