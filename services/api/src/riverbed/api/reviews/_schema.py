"""The `reviews` table exactly as the exercise's SQLite file has it (pandas column names)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, MetaData, Table, Text

__all__ = ["COLUMNS", "INDEXES", "TABLE", "reviews_table"]

TABLE = "reviews"

# Column order of the exercise's file; every reader yields tuples in this order.
COLUMNS: tuple[str, ...] = (
    "level_0",
    "index",
    "overall",
    "verified",
    "reviewTime",
    "reviewerID",
    "productID",
    "reviewerName",
    "reviewText",
    "summary",
    "unixReviewTime",
    "vote",
)

# Production indexes: (name, columns). Product and reviewer lookups are ranged on time and
# paginated by (unixReviewTime, level_0), so each lookup index carries both.
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ix_reviews_product_time", ("productID", "unixReviewTime", "level_0")),
    ("ix_reviews_reviewer_time", ("reviewerID", "unixReviewTime", "level_0")),
    ("ix_reviews_time", ("unixReviewTime",)),
)


def reviews_table(metadata: MetaData | None = None) -> Table:
    """Describe the table with portable types (pandas' INTEGER/REAL/TEXT on SQLite)."""
    return Table(
        TABLE,
        metadata or MetaData(),
        Column("level_0", BigInteger),
        Column("index", BigInteger),
        Column("overall", Float),
        Column("verified", Boolean(create_constraint=False)),
        Column("reviewTime", Text),
        Column("reviewerID", Text),
        Column("productID", Text),
        Column("reviewerName", Text),
        Column("reviewText", Text),
        Column("summary", Text),
        Column("unixReviewTime", BigInteger),
        Column("vote", Text),
    )
