"""WSGI entry point for gunicorn: `gunicorn riverbed.api.wsgi:app` (settings from env)."""

from __future__ import annotations

import sys

from riverbed.api.app import create_app
from riverbed.api.settings import ApiSettings
from riverbed.core.errors import ConfigurationError
from riverbed.core.logging import configure_logging
from riverbed.core.settings import load_settings

__all__ = ["app"]

try:
    _settings = load_settings(ApiSettings)
except ConfigurationError as exc:  # a clear message instead of a worker traceback
    print(f"riverbed api: {exc}", file=sys.stderr)
    raise SystemExit(4) from None  # gunicorn stops the arbiter on exit code 4 (app load error)
configure_logging(_settings.log_level, json_logs=_settings.log_json)
app = create_app(_settings)
