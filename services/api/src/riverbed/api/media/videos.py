"""Blueprint of /videos."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import delete, select

from riverbed.api.media._common import created, get_or_404, list_response, to_json
from riverbed.api.media.models import Insight, Page, Video
from riverbed.api.media.schemas import VideoIn
from riverbed.core.web import ApiError, get_session, parse_body

__all__ = ["bp"]

bp = Blueprint("videos", __name__, url_prefix="/videos")


@bp.post("")
def create_video() -> tuple[Response, int, dict[str, str]]:
    """Create a video on an existing page."""
    body = parse_body(VideoIn)
    session = get_session()
    if session.get(Page, body.page_id) is None:
        raise ApiError(
            422,
            f"page {body.page_id} does not exist",
            details=[{"field": "page_id", "message": "no such page"}],
        )
    video = Video(title=body.title, page_id=body.page_id)
    session.add(video)
    session.commit()
    return created(video, f"/videos/{video.id}")


@bp.get("")
def list_videos() -> Response:
    """List videos by id."""
    return list_response(Video, select(Video))


@bp.get("/<int:video_id>")
def get_video(video_id: int) -> Response:
    """Return one video."""
    return jsonify(to_json(get_or_404(Video, video_id, "video")))


@bp.delete("/<int:video_id>")
def delete_video(video_id: int) -> tuple[str, int]:
    """Delete a video and its insights."""
    session = get_session()
    video = get_or_404(Video, video_id, "video")
    session.execute(delete(Insight).where(Insight.video_id == video.id))
    session.delete(video)
    session.commit()
    return "", 204


@bp.get("/<int:video_id>/insights")
def list_video_insights(video_id: int) -> Response:
    """List the insights of a video."""
    get_or_404(Video, video_id, "video")
    return list_response(Insight, select(Insight).where(Insight.video_id == video_id))
