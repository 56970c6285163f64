"""The media domain: pages, videos and video insights."""

from riverbed.api.media.plugin import VERSIONS_DIR, plugin

__all__ = ["VERSIONS_DIR", "plugin"]
