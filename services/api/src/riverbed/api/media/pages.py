"""Blueprint of /pages."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from riverbed.api.media._common import created, get_or_404, list_response, parse_bool, to_json
from riverbed.api.media.models import Insight, Page, Video
from riverbed.api.media.schemas import PageIn
from riverbed.core.web import ApiError, get_session, parse_body

__all__ = ["bp"]

bp = Blueprint("pages", __name__, url_prefix="/pages")


@bp.post("")
def create_page() -> tuple[Response, int, dict[str, str]]:
    """Create a page with a unique name."""
    body = parse_body(PageIn)
    session = get_session()
    if session.scalar(select(exists().where(Page.name == body.name))):
        raise ApiError(409, f"a page named {body.name!r} already exists", details={"field": "name"})
    page = Page(name=body.name)
    session.add(page)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(
            409, f"a page named {body.name!r} already exists", details={"field": "name"}
        ) from None
    return created(page, f"/pages/{page.id}")


@bp.get("")
def list_pages() -> Response:
    """List pages by id."""
    return list_response(Page, select(Page))


@bp.get("/<int:page_id>")
def get_page(page_id: int) -> Response:
    """Return one page."""
    return jsonify(to_json(get_or_404(Page, page_id, "page")))


@bp.delete("/<int:page_id>")
def delete_page(page_id: int) -> tuple[str, int]:
    """Delete a page; with videos only when ?cascade=true (videos and insights go too)."""
    cascade = parse_bool("cascade")
    session = get_session()
    page = get_or_404(Page, page_id, "page")
    video_ids = select(Video.id).where(Video.page_id == page.id)
    has_videos = session.scalar(select(exists().where(Video.page_id == page.id)))
    if has_videos and not cascade:
        raise ApiError(
            409,
            f"page {page_id} has videos; delete them first or pass ?cascade=true",
            details={"id": page_id},
        )
    session.execute(delete(Insight).where(Insight.video_id.in_(video_ids)))
    session.execute(delete(Video).where(Video.page_id == page.id))
    session.delete(page)
    session.commit()
    return "", 204


@bp.get("/<int:page_id>/videos")
def list_page_videos(page_id: int) -> Response:
    """List the videos of a page."""
    get_or_404(Page, page_id, "page")
    return list_response(Video, select(Video).where(Video.page_id == page_id))
