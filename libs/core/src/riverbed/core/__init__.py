"""Shared library of Riverbed: settings, logging, the CLI root, web helpers, change events."""

from riverbed.core.errors import ConfigurationError, RiverbedError, UserInputError

__all__ = ["ConfigurationError", "RiverbedError", "UserInputError"]
