"""Find free TCP ports and wait for services to listen."""

from __future__ import annotations

import socket
import time

from riverbed.core.errors import ServiceError

__all__ = ["free_port", "port_open", "wait_for_port"]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Return whether something accepts connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(
    port: int, host: str = "127.0.0.1", timeout: float = 60.0, what: str = ""
) -> None:
    """Block until host:port accepts connections, or raise ServiceError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port, host):
            return
        time.sleep(0.1)
    raise ServiceError(f"{what or 'service'} did not listen on {host}:{port} within {timeout:.0f}s")
