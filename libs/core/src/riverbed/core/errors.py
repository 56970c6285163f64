"""The exception tree of Riverbed, in one place."""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "DataError",
    "RiverbedError",
    "ServiceError",
    "UserInputError",
]


class RiverbedError(Exception):
    """Base of every error Riverbed raises on purpose."""


class ConfigurationError(RiverbedError):
    """A setting is missing or invalid; the message says which and how to fix it."""


class UserInputError(RiverbedError):
    """Input from a user (file, request, argument) is invalid."""


class DataError(UserInputError):
    """A data file holds a bad record; carries the file, line and field when known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        where = ":".join(str(p) for p in (path, line) if p is not None)
        prefix = f"{where}: " if where else ""
        suffix = f" (field {field!r})" if field else ""
        super().__init__(f"{prefix}{message}{suffix}")


class ServiceError(RiverbedError):
    """A service Riverbed talks to (database, Kafka, Connect, emulator) failed or is unreachable."""
