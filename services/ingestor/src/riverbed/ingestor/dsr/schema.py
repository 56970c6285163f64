"""DSR tables (SQLAlchemy Core), shaped for 10^9 usage rows."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "Id",
    "currency",
    "dsr",
    "fx_rate",
    "metadata",
    "reject",
    "territory",
    "usage",
]

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
metadata = sa.MetaData()

currency = sa.Table(
    "dsr_currency",
    metadata,
    sa.Column("code", sa.String(3), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("symbol", sa.String(8), nullable=True),
)

territory = sa.Table(
    "dsr_territory",
    metadata,
    sa.Column("code_2", sa.String(2), primary_key=True),
    sa.Column("code_3", sa.String(3), nullable=False, unique=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("local_currency", sa.String(3), sa.ForeignKey("dsr_currency.code"), nullable=False),
)

dsr = sa.Table(
    "dsr",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("dsp", sa.String(64), nullable=False),
    sa.Column("commercial_model", sa.String(128), nullable=False),
    sa.Column(
        "territory_code", sa.String(2), sa.ForeignKey("dsr_territory.code_2"), nullable=False
    ),
    sa.Column("currency_code", sa.String(3), sa.ForeignKey("dsr_currency.code"), nullable=False),
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
    sa.Index("ix_dsr_checksum", "checksum"),
    sa.Index("ix_dsr_territory_period", "territory_code", "period_start", "period_end"),
    # one ingested DSR per DSP / commercial model / territory / period: a corrected file replaces it
    sa.Index(
        "uq_dsr_ingested_key",
        "dsp",
        "commercial_model",
        "territory_code",
        "period_start",
        "period_end",
        unique=True,
        postgresql_where=sa.text("status = 'ingested'"),
        sqlite_where=sa.text("status = 'ingested'"),
    ),
)

# One row per DSR line: the resource (dsp_id and the metadata the line reported) inline, so an
# import is a COPY into the DSR's own partition (Postgres: LIST on dsr_id, one table per DSR,
# its key built after the load) and never touches a global index. A resource is a dsp_id; its
# metadata is the first non-empty value by DSR id. Key (dsp_id, dsr_id): a resource's lines
# are one index range per partition. No foreign keys: the importer is the only writer.
usage = sa.Table(
    "dsr_usage",
    metadata,
    sa.Column("dsp_id", sa.Text, primary_key=True),
    sa.Column("dsr_id", sa.BigInteger, primary_key=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("artists", sa.Text, nullable=True),
    sa.Column("isrc", sa.Text, nullable=True),
    sa.Column("usages", sa.BigInteger, nullable=True),
    sa.Column("revenue", sa.Numeric().with_variant(sa.Float(), "sqlite"), nullable=True),
    postgresql_partition_by="LIST (dsr_id)",
)

reject = sa.Table(
    "dsr_reject",
    metadata,
    sa.Column(
        "dsr_id", sa.BigInteger, sa.ForeignKey("dsr.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("line_no", sa.BigInteger, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
)

fx_rate = sa.Table(
    "fx_rate",
    metadata,
    sa.Column("currency_code", sa.String(3), primary_key=True),
    sa.Column("rate_date", sa.Date, primary_key=True),
    sa.Column("rate", sa.Numeric(18, 8), nullable=False),
    sa.CheckConstraint("rate > 0", name="ck_fx_rate_positive"),
)
