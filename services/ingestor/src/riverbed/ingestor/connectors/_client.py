"""A small Kafka Connect REST API client on `requests`; non-2xx answers become ServiceErrors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from riverbed.core.errors import ServiceError, UserInputError

__all__ = ["ConnectClient", "ConnectorStatus", "TaskStatus"]


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """State of one connector task, with the last error trace when it failed."""

    id: int
    state: str
    worker: str
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectorStatus:
    """State of one connector and its tasks."""

    name: str
    state: str
    worker: str
    type: str | None = None
    trace: str | None = None
    tasks: tuple[TaskStatus, ...] = field(default_factory=tuple)

    @property
    def running(self) -> bool:
        """Return whether the connector and every task run (and there is at least one task)."""
        return (
            self.state == "RUNNING"
            and bool(self.tasks)
            and all(t.state == "RUNNING" for t in self.tasks)
        )

    @property
    def last_error(self) -> str | None:
        """Return the first line of the most relevant error trace, if any."""
        for trace in [self.trace, *(t.trace for t in self.tasks)]:
            if trace:
                return _summary(trace)
        return None


def _summary(trace: str) -> str:
    """Return the most telling line of a Java stack trace (the deepest `Caused by`)."""
    lines = [ln.strip() for ln in trace.splitlines() if ln.strip()]
    caused = [ln for ln in lines if ln.startswith("Caused by:")]
    return (caused[-1].removeprefix("Caused by: ") if caused else lines[0]) if lines else ""


class ConnectClient:
    """Drive one Kafka Connect cluster through its REST API."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _call(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = ()) -> Any:
        try:
            resp = self.session.request(
                method, f"{self.url}{path}", json=body, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ServiceError(f"Kafka Connect at {self.url} is unreachable: {exc}") from None
        if resp.status_code in ok:
            return None
        if not 200 <= resp.status_code < 300:
            try:
                message = resp.json().get("message") or resp.text
            except ValueError:
                message = resp.text
            error = UserInputError if resp.status_code in (400, 409, 422) else ServiceError
            raise error(
                f"Kafka Connect {method} {path} failed with HTTP {resp.status_code}: "
                f"{message.strip()}"
            )
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def version(self) -> dict[str, Any]:
        """Return the worker's version information."""
        info: dict[str, Any] = self._call("GET", "/")
        return info

    def connectors(self) -> list[str]:
        """Return the names of the deployed connectors."""
        names: list[str] = self._call("GET", "/connectors")
        return sorted(names)

    def connector_plugins(self) -> set[str]:
        """Return the connector classes the worker offers."""
        plugins: list[dict[str, Any]] = self._call("GET", "/connector-plugins")
        return {str(p.get("class")) for p in plugins}

    def validate(self, config: dict[str, str]) -> list[str]:
        """Validate a config with the connector plugin; return 'field: message' problems."""
        plugin = config.get("connector.class", "").rsplit(".", 1)[-1]
        if not plugin:
            raise UserInputError("connector config has no connector.class")
        result = self._call("PUT", f"/connector-plugins/{plugin}/config/validate", config)
        problems = []
        for item in result.get("configs", []):
            value = item.get("value", {})
            for err in value.get("errors", []):
                problems.append(f"{value.get('name')}: {err}")
        return problems

    def put_config(self, name: str, config: dict[str, str]) -> bool:
        """Create or update connector `name` (idempotent); return True when it was created."""
        existed = name in self.connectors()
        self._call("PUT", f"/connectors/{name}/config", config)
        return not existed

    def config(self, name: str) -> dict[str, str]:
        """Return the stored config of connector `name`."""
        cfg: dict[str, str] = self._call("GET", f"/connectors/{name}/config")
        return cfg

    def status(self, name: str) -> ConnectorStatus:
        """Return the state of connector `name` and of its tasks."""
        found = self.find_status(name)
        if found is None:
            raise UserInputError(f"connector {name} is not deployed on {self.url}")
        return found

    def find_status(self, name: str) -> ConnectorStatus | None:
        """Return the state of connector `name`, or None while Connect knows no status yet."""
        data = self._call("GET", f"/connectors/{name}/status", ok=(404,))
        if data is None:
            return None
        conn = data.get("connector", {})
        tasks = tuple(
            TaskStatus(int(t["id"]), t["state"], t.get("worker_id", ""), t.get("trace"))
            for t in data.get("tasks", [])
        )
        return ConnectorStatus(
            name=data.get("name", name),
            state=conn.get("state", "UNKNOWN"),
            worker=conn.get("worker_id", ""),
            type=data.get("type"),
            trace=conn.get("trace"),
            tasks=tasks,
        )

    def restart(self, name: str, *, failed_only: bool = False) -> None:
        """Restart connector `name` and its tasks."""
        flag = "true" if failed_only else "false"
        self._call("POST", f"/connectors/{name}/restart?includeTasks=true&onlyFailed={flag}")

    def delete(self, name: str, *, missing_ok: bool = False) -> bool:
        """Delete connector `name`; return False when it did not exist and missing_ok."""
        if missing_ok and name not in self.connectors():
            return False
        self._call("DELETE", f"/connectors/{name}")
        return True
