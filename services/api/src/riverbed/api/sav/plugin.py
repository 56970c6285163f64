"""The SAV API plugin: the receiver blueprint, its OpenAPI operation and migrations."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from riverbed.api.sav.openapi import sav_openapi
from riverbed.core.web import ApiPlugin

__all__ = ["PLUGIN", "VERSIONS_DIR"]

VERSIONS_DIR = Path(__file__).parent / "versions"


def _blueprint() -> Blueprint:
    from riverbed.api.sav.routes import bp

    return bp


PLUGIN = ApiPlugin(name="sav", blueprint=_blueprint, openapi=sav_openapi, order=60)
