"""The reviews blueprint: summaries and keyset-paginated lists per product and reviewer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy.orm import Session

from riverbed.api.reviews import _queries as q
from riverbed.api.reviews._models import ID_MAX_LENGTH, DateFilter, ReviewPageQuery
from riverbed.core.web import (
    MAX_INT64,
    ApiError,
    decode_cursor,
    encode_cursor,
    get_session,
    parse_query,
)

__all__ = ["reviews_blueprint"]

_PARAM = {"product": "product_id", "reviewer": "reviewer_id"}
_NOUN = {"product": "product", "reviewer": "reviewer"}


def _session() -> Session:
    """Return the request's session on an autocommit connection (reads need no BEGIN/ROLLBACK)."""
    session = get_session()
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def _check_id(scope: q.Scope, key: str) -> None:
    problem = None
    if not key.strip() or len(key) > ID_MAX_LENGTH:
        problem = f"must be 1 to {ID_MAX_LENGTH} characters"
    elif not key.isprintable():
        problem = "must not contain control characters"
    if problem:
        name = _PARAM[scope]
        raise ApiError(
            400, f"invalid path parameter: {name}", details=[{"field": name, "message": problem}]
        )


def _check_order(flt: DateFilter) -> None:
    if flt.from_ and flt.to and flt.from_ > flt.to:
        raise ApiError(
            400,
            "invalid query parameter: from",
            details=[{"field": "from", "message": "`from` is after `to`"}],
        )


def _applied(flt: DateFilter) -> dict[str, str | None]:
    return {
        "from": flt.from_.isoformat().replace("+00:00", "Z") if flt.from_ else None,
        "to": flt.to.isoformat().replace("+00:00", "Z") if flt.to else None,
    }


def _not_found(scope: q.Scope, key: str) -> ApiError:
    return ApiError(404, f"no reviews for {_NOUN[scope]} {key!r}", details={_PARAM[scope]: key})


def _summary(scope: q.Scope, key: str) -> Response:
    _check_id(scope, key)
    flt = parse_query(DateFilter)
    _check_order(flt)
    session = _session()
    body = q.summary(session, scope, key, flt.from_, flt.to)
    if body["review_count"] == 0 and not q.exists(session, scope, key):
        raise _not_found(scope, key)
    return jsonify({_PARAM[scope]: key, "filter": _applied(flt), **body})


def _cursor(raw: str) -> tuple[int, int]:
    data = decode_cursor(raw)
    t, rid = data.get("t"), data.get("id")
    if not all(isinstance(v, int) and -MAX_INT64 <= v <= MAX_INT64 for v in (t, rid)):
        raise ApiError(
            400,
            "invalid query parameter: cursor",
            details=[{"field": "cursor", "message": "not a cursor returned by this API"}],
        )
    return int(t), int(rid)  # type: ignore[arg-type]


def _page(scope: q.Scope, key: str) -> Response:
    _check_id(scope, key)
    params = parse_query(ReviewPageQuery)
    _check_order(params)
    after = _cursor(params.cursor) if params.cursor else None
    session = _session()
    items, last = q.page(
        session,
        scope,
        key,
        params.from_,
        params.to,
        limit=params.limit,
        after=after,
        offset=params.offset or 0,
    )
    if not items and not q.exists(session, scope, key):
        raise _not_found(scope, key)
    body: dict[str, Any] = {
        "scope": scope,
        "id": key,
        "filter": _applied(params),
        "limit": params.limit,
        "items": items,
        "next_cursor": encode_cursor({"t": last[0], "id": last[1]}) if last else None,
    }
    return jsonify(body)


def reviews_blueprint() -> Blueprint:
    """Build the blueprint (one per app)."""
    bp = Blueprint("reviews", __name__)

    @bp.get("/products/<string:product_id>/reviews/summary")
    def product_summary(product_id: str) -> Response:
        return _summary("product", product_id)

    @bp.get("/reviewers/<string:reviewer_id>/reviews/summary")
    def reviewer_summary(reviewer_id: str) -> Response:
        return _summary("reviewer", reviewer_id)

    @bp.get("/products/<string:product_id>/reviews")
    def product_reviews(product_id: str) -> Response:
        return _page("product", product_id)

    @bp.get("/reviewers/<string:reviewer_id>/reviews")
    def reviewer_reviews(reviewer_id: str) -> Response:
        return _page("reviewer", reviewer_id)

    return bp
