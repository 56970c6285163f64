"""WSGI entry point for gunicorn: `gunicorn riverbed.api.wsgi:app` (settings from env)."""

from __future__ import annotations

from riverbed.api.app import create_app
from riverbed.api.settings import ApiSettings
from riverbed.core.logging import configure_logging
from riverbed.core.settings import load_settings

__all__ = ["app"]

_settings = load_settings(ApiSettings)
configure_logging(_settings.log_level, json_logs=_settings.log_json)
app = create_app(_settings)
