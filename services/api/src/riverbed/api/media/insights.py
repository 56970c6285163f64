"""Blueprint of /insights."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import select

from riverbed.api.media._common import created, get_or_404, list_response, to_json
from riverbed.api.media.models import Insight, Video
from riverbed.api.media.schemas import InsightIn
from riverbed.core.web import ApiError, get_session, parse_body

__all__ = ["bp"]

bp = Blueprint("insights", __name__, url_prefix="/insights")


@bp.post("")
def create_insight() -> tuple[Response, int, dict[str, str]]:
    """Record an insight of an existing video."""
    body = parse_body(InsightIn)
    session = get_session()
    if session.get(Video, body.video_id) is None:
        raise ApiError(
            422,
            f"video {body.video_id} does not exist",
            details=[{"field": "video_id", "message": "no such video"}],
        )
    insight = Insight(video_id=body.video_id, likes=body.likes, views=body.views)
    session.add(insight)
    session.commit()
    return created(insight, f"/insights/{insight.id}")


@bp.get("")
def list_insights() -> Response:
    """List insights by id."""
    return list_response(Insight, select(Insight))


@bp.get("/<int:insight_id>")
def get_insight(insight_id: int) -> Response:
    """Return one insight."""
    return jsonify(to_json(get_or_404(Insight, insight_id, "insight")))


@bp.delete("/<int:insight_id>")
def delete_insight(insight_id: int) -> tuple[str, int]:
    """Delete an insight."""
    session = get_session()
    session.delete(get_or_404(Insight, insight_id, "insight"))
    session.commit()
    return "", 204
