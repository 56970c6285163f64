"""Run the reviews SQL (files in `sql/`) on SQLite or Postgres and shape the rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from riverbed.core.web import MAX_INT64

__all__ = ["Scope", "exists", "iso", "page", "summary"]

Scope = Literal["product", "reviewer"]

_SQL_DIR = Path(__file__).parent / "sql"
_KEYS: dict[str, tuple[str, str]] = {
    "product": ("productID", "reviewerID"),
    "reviewer": ("reviewerID", "productID"),
}
# `vote` is text that may be empty or hold thousands separators ("1,234").
_VOTE_INT = {
    "sqlite": """CAST(REPLACE("vote", ',', '') AS INTEGER)""",
    "postgresql": """(CASE WHEN "vote" ~ '^[0-9][0-9,]{0,17}$' """
    """THEN CAST(REPLACE("vote", ',', '') AS BIGINT) END)""",
}
_UNBOUNDED = (-MAX_INT64, MAX_INT64)
_NAMED = re.compile(r"(?<![:\w]):([a-z_]+)\b")


@cache
def _statement(name: str, scope: str, dialect: str) -> str:
    """Return the SQL of `name` for `scope`, in the driver's parameter style."""
    key, other = _KEYS[scope]
    vote_int = _VOTE_INT.get(dialect, _VOTE_INT["postgresql"])
    sql = (_SQL_DIR / f"{name}.sql").read_text().format(key=key, other=other, vote_int=vote_int)
    if dialect == "postgresql":  # psycopg wants %(name)s; sqlite3 takes :name as written
        sql = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
    return sql


def _fetch(session: Session, name: str, scope: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one statement on the DB-API connection (no ORM result processing on the hot path)."""
    conn = session.connection()
    sql = _statement(name, scope, conn.dialect.name)
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(sql, params)
        cols = [d[0] for d in cur.description or ()]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def iso(ts: int | None) -> str | None:
    """Render epoch seconds as an ISO 8601 UTC instant."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _bounds(t_from: datetime | None, t_to: datetime | None) -> dict[str, int]:
    lo = int(t_from.timestamp()) if t_from else _UNBOUNDED[0]
    hi = int(t_to.timestamp()) if t_to else _UNBOUNDED[1]
    # a sub-second bound still means "from this instant on": round `from` up, `to` up
    if t_from and t_from.microsecond:
        lo += 1
    if t_to and t_to.microsecond:
        hi += 1
    return {"t_from": lo, "t_to": hi}


def exists(session: Session, scope: Scope, key: str) -> bool:
    """Return whether any review has this product (or reviewer) id."""
    return bool(_fetch(session, "exists", scope, {"id": key}))


def summary(
    session: Session, scope: Scope, key: str, t_from: datetime | None, t_to: datetime | None
) -> dict[str, Any]:
    """Aggregate the reviews of one product or reviewer in [t_from, t_to)."""
    (row,) = _fetch(session, "summary", scope, {"id": key, **_bounds(t_from, t_to)})
    count = int(row["review_count"])
    known = int(row["verified_known"] or 0)
    other = "distinct_reviewers" if scope == "product" else "distinct_products"
    return {
        "review_count": count,
        "average_rating": float(row["average_rating"]) if count else None,
        "rating_histogram": {str(k): int(row[f"r{k}"] or 0) for k in range(1, 6)},
        "verified_share": int(row["verified_true"] or 0) / known if known else None,
        "helpful_votes_total": int(row["helpful_votes_total"] or 0),
        "first_review_at": iso(row["first_ts"]),
        "last_review_at": iso(row["last_ts"]),
        other: int(row["distinct_other"]),
    }


def page(
    session: Session,
    scope: Scope,
    key: str,
    t_from: datetime | None,
    t_to: datetime | None,
    *,
    limit: int,
    after: tuple[int, int] | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    """Return one page (newest first) and the keyset of its last row when more follow."""
    c_time, c_id = after or (MAX_INT64, MAX_INT64)
    params = {
        "id": key,
        **_bounds(t_from, t_to),
        "c_time": c_time,
        "c_id": c_id,
        "limit": limit + 1,
        "offset": offset,
    }
    rows = _fetch(session, "page", scope, params)
    items = [_review(r) for r in rows[:limit]]
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return items, ((int(last["unixReviewTime"]), int(last["level_0"])) if last else None)


def _review(row: Any) -> dict[str, Any]:
    verified = row["verified"]
    return {
        "review_id": row["level_0"],
        "product_id": row["productID"],
        "reviewer_id": row["reviewerID"],
        "reviewer_name": row["reviewerName"],
        "rating": float(row["overall"]) if row["overall"] is not None else None,
        "verified": bool(verified) if verified is not None else None,
        "vote": row["vote"],
        "helpful_votes": int(row["helpful_votes"]) if row["helpful_votes"] is not None else None,
        "summary": row["summary"],
        "text": row["reviewText"],
        "review_time": row["reviewTime"],
        "reviewed_at": iso(row["unixReviewTime"]),
    }
