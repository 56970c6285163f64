"""The media API plugin: blueprints, OpenAPI operations and migrations."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from riverbed.api.media.openapi import media_openapi
from riverbed.core.web import ApiPlugin

__all__ = ["VERSIONS_DIR", "plugin"]

VERSIONS_DIR = Path(__file__).parent / "versions"


def _blueprint() -> Blueprint:
    from riverbed.api.media import insights, pages, videos

    media = Blueprint("media", __name__)
    for bp in (pages.bp, videos.bp, insights.bp):
        media.register_blueprint(bp)
    return media


plugin = ApiPlugin(name="media", blueprint=_blueprint, openapi=media_openapi, order=10)
