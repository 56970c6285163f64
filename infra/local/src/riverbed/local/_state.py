"""A local service's state file (its ports, its pid) and the lifecycle of that pid."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import psutil

__all__ = ["live_pid", "read_state", "terminate"]


def read_state(path: Path) -> dict[str, Any]:
    """Return the JSON object saved in `path`; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def live_pid(state: dict[str, Any]) -> int | None:
    """Return the state's `pid` while that process runs (a zombie does not)."""
    pid = state.get("pid")
    if not pid:
        return None
    try:
        proc = psutil.Process(int(pid))
        if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
            return int(pid)
    except psutil.NoSuchProcess:
        return None
    return None


def terminate(pid: int, timeout: float) -> None:
    """Stop `pid` with SIGTERM, then SIGKILL after `timeout` seconds."""
    try:
        proc = psutil.Process(pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout)
    except psutil.TimeoutExpired:
        proc.kill()
    except psutil.NoSuchProcess:
        pass
