"""The OLTP API service: a Flask app whose blueprints are API plugins."""

from riverbed.api.app import create_app
from riverbed.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
