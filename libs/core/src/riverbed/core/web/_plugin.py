"""API plugins: services contribute blueprints and OpenAPI operations through entry points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from flask import Blueprint

from riverbed.core.web._openapi import OpenApiRegistry

__all__ = ["API_ENTRY_POINT_GROUP", "ApiPlugin", "load_api_plugins"]

API_ENTRY_POINT_GROUP = "riverbed.api"


@dataclass(frozen=True)
class ApiPlugin:
    """A blueprint, the OpenAPI operations it serves, and its config defaults."""

    name: str
    blueprint: Callable[[], Blueprint]
    openapi: Callable[[OpenApiRegistry], None]
    order: int = 100
    config: dict[str, object] = field(default_factory=dict)


def load_api_plugins() -> list[ApiPlugin]:
    """Load every registered API plugin, ordered by `order` then name."""
    plugins: list[ApiPlugin] = []
    for ep in entry_points(group=API_ENTRY_POINT_GROUP):
        plugin = ep.load()
        if callable(plugin) and not isinstance(plugin, ApiPlugin):
            plugin = plugin()
        if not isinstance(plugin, ApiPlugin):
            raise TypeError(f"entry point {ep.value!r} is not an ApiPlugin")
        plugins.append(plugin)
    return sorted(plugins, key=lambda p: (p.order, p.name))
