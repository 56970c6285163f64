"""Helpers shared by the media blueprints: lookups, pagination, serialization."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Response, jsonify, request
from sqlalchemy import Select

from riverbed.api.media.models import Base, Insight, Page, Video
from riverbed.api.media.schemas import iso
from riverbed.core.web import (
    MAX_INT64,
    ApiError,
    PageParams,
    decode_cursor,
    encode_cursor,
    get_session,
    parse_query,
)

__all__ = ["created", "get_or_404", "list_response", "parse_bool", "to_json"]

M = TypeVar("M", bound=Base)


def get_or_404(model: type[M], ident: int, what: str) -> M:
    """Return the row with primary key `ident`, or answer 404 naming it."""
    row = get_session().get(model, ident) if 1 <= ident <= MAX_INT64 else None
    if row is None:
        raise ApiError(404, f"{what} {ident} not found", details={"id": ident})
    return row


def to_json(row: Base) -> dict[str, Any]:
    """Serialize a media row."""
    if isinstance(row, Page):
        return {"id": row.id, "name": row.name, "created_at": iso(row.created_at)}
    if isinstance(row, Video):
        return {
            "id": row.id,
            "title": row.title,
            "page_id": row.page_id,
            "created_at": iso(row.created_at),
        }
    if isinstance(row, Insight):
        return {
            "id": row.id,
            "video_id": row.video_id,
            "likes": row.likes,
            "views": row.views,
            "created_at": iso(row.created_at),
        }
    raise TypeError(type(row))


def list_response(model: type[M], query: Select[Any]) -> Response:
    """Answer one page of `query` ordered by id, with keyset cursor or offset."""
    params = parse_query(PageParams)
    id_col = model.__table__.c.id
    query = query.order_by(id_col)
    if params.cursor is not None:
        after = decode_cursor(params.cursor).get("id")
        if not isinstance(after, int) or not 0 <= after <= MAX_INT64:
            raise ApiError(
                400,
                "invalid query parameter: cursor",
                details=[{"field": "cursor", "message": "not a cursor of this list"}],
            )
        query = query.where(id_col > after)
    elif params.offset is not None:
        query = query.offset(params.offset)
    rows = list(get_session().scalars(query.limit(params.limit + 1)))
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor({"id": rows[-1].id}) if more and rows else None
    return jsonify(
        {"items": [to_json(r) for r in rows], "next_cursor": next_cursor, "limit": params.limit}
    )


def created(row: Base, location: str) -> tuple[Response, int, dict[str, str]]:
    """Answer 201 with the row and its Location."""
    return jsonify(to_json(row)), 201, {"Location": location}


def parse_bool(name: str, default: bool = False) -> bool:
    """Parse a boolean query parameter (true/false/1/0), or answer 400 naming it."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ApiError(
        400,
        f"invalid query parameter: {name}",
        details=[{"field": name, "message": "must be true or false"}],
    )
