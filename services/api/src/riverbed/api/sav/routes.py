"""`POST /sav/metrics`: store a batch of SAV aggregates once per idempotency key."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from riverbed.api.sav.models import SavMetric, SavMetricBatch
from riverbed.api.sav.schemas import (
    MetricOut,
    MetricsAccepted,
    MetricsBatch,
    MetricsList,
    MetricsQuery,
)
from riverbed.core.web import (
    MAX_INT64,
    ApiError,
    decode_cursor,
    encode_cursor,
    get_session,
    parse_body,
    parse_query,
)

__all__ = ["IDEMPOTENCY_HEADER", "bp"]

bp = Blueprint("sav", __name__, url_prefix="/sav")
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_UPDATED = (
    "tickets",
    "answered",
    "mean_dt_seconds",
    "median_dt_seconds",
    "p90_dt_seconds",
    "mean_exch_nr",
    "batch_key",
    "updated_at",
)


def _idempotency_key() -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or not _KEY.fullmatch(key):
        raise ApiError(
            400,
            f"header {IDEMPOTENCY_HEADER} is required: 1-128 characters of A-Z a-z 0-9 _ . : -",
            details=[{"field": IDEMPOTENCY_HEADER, "message": "missing or invalid"}],
        )
    return key


def _replay(session: Session, key: str, body_sha: str) -> tuple[Response, int, dict[str, str]]:
    seen = session.get(SavMetricBatch, key)
    assert seen is not None
    if seen.body_sha256 != body_sha:
        raise ApiError(
            409,
            f"{IDEMPOTENCY_HEADER} {key!r} was already used with a different body",
            details=[{"field": IDEMPOTENCY_HEADER, "message": "reused with another body"}],
        )
    out = MetricsAccepted(idempotency_key=key, stored=0, replayed=True)
    return jsonify(out.model_dump()), 200, {"Idempotent-Replayed": "true"}


def _upsert(session: Session, key: str, batch: MetricsBatch, now: datetime) -> None:
    rows: list[dict[str, Any]] = [
        {**e.model_dump(), "batch_key": key, "updated_at": now} for e in batch.entries
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SavMetric).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["period", "dimension", "key"],
        set_={c: stmt.excluded[c] for c in _UPDATED},
    )
    session.execute(stmt)


@bp.post("/metrics")
def post_metrics() -> tuple[Response, int, dict[str, str]]:
    """Store up to 10 entries; a key seen before is answered again without storing twice."""
    key = _idempotency_key()
    batch = parse_body(MetricsBatch)
    body_sha = hashlib.sha256(batch.model_dump_json().encode()).hexdigest()
    session = get_session()
    if session.scalar(
        select(SavMetricBatch.idempotency_key).where(SavMetricBatch.idempotency_key == key)
    ):
        return _replay(session, key, body_sha)
    now = datetime.now(UTC)
    session.add(
        SavMetricBatch(
            idempotency_key=key, body_sha256=body_sha, entries=len(batch.entries), received_at=now
        )
    )
    try:
        session.flush()  # claims the key first: a concurrent twin waits, then fails here
        _upsert(session, key, batch, now)
        session.commit()
    except IntegrityError:
        session.rollback()
        return _replay(session, key, body_sha)
    out = MetricsAccepted(idempotency_key=key, stored=len(batch.entries), replayed=False)
    return jsonify(out.model_dump()), 201, {"Idempotent-Replayed": "false"}


@bp.get("/metrics")
def list_metrics() -> Response:
    """List stored aggregates by id, filtered by period, dimension and key."""
    params = parse_query(MetricsQuery)
    query = select(SavMetric).order_by(SavMetric.id)
    if params.period is not None:
        query = query.where(SavMetric.period == params.period)
    if params.dimension is not None:
        query = query.where(SavMetric.dimension == params.dimension)
    if params.key is not None:
        query = query.where(SavMetric.key == params.key)
    if params.cursor is not None:
        after = decode_cursor(params.cursor).get("id")
        if not isinstance(after, int) or not 0 <= after <= MAX_INT64:
            raise ApiError(
                400,
                "invalid query parameter: cursor",
                details=[{"field": "cursor", "message": "not a cursor of this list"}],
            )
        query = query.where(SavMetric.id > after)
    elif params.offset is not None:
        query = query.offset(params.offset)
    rows = list(get_session().scalars(query.limit(params.limit + 1)))
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    page = MetricsList(
        items=[MetricOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=encode_cursor({"id": rows[-1].id}) if more and rows else None,
        limit=params.limit,
    )
    return jsonify(page.model_dump(mode="json"))
