"""Start Riverbed's real services natively, without Docker."""

from riverbed.local.ports import free_port, wait_for_port
from riverbed.local.postgres import LocalPostgres

__all__ = ["LocalPostgres", "free_port", "wait_for_port"]
