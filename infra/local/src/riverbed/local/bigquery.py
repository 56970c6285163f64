"""A BigQuery API emulator (bqemulator on DuckDB 1.4, offline) as a local process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
import urllib.request
from pathlib import Path

from riverbed.core.errors import ServiceError
from riverbed.local._state import live_pid, read_state, terminate
from riverbed.local.ports import free_port, port_open

__all__ = ["BQEMULATOR_DIR", "LocalBigQuery"]

log = logging.getLogger(__name__)

_LOCAL_DIR = Path(__file__).resolve().parents[3]  # infra/local
BQEMULATOR_DIR = Path(
    os.environ.get("RIVERBED_BQEMULATOR_DIR", _LOCAL_DIR / "build" / "bqemulator")
)
_LAUNCH = _LOCAL_DIR / "bqemulator" / "launch.py"


class LocalBigQuery:
    """bqemulator serving the BigQuery REST API on 127.0.0.1 (in-memory, a restart is empty)."""

    def __init__(self, data_dir: Path, port: int | None = None, project: str = "riverbed-local"):
        self.data_dir = data_dir.absolute()
        self.state_file = self.data_dir / "bigquery.json"
        self.log_file = self.data_dir / "bqemulator.log"
        self.project = project
        saved = read_state(self.state_file)
        self.port: int = port or int(saved.get("port") or 0) or free_port()
        self.grpc_port: int = int(saved.get("grpc_port") or 0) or free_port()

    @property
    def endpoint(self) -> str:
        """Return the REST endpoint for google-cloud-bigquery's `api_endpoint`."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> LocalBigQuery:
        """Start the emulator (idempotent) and wait until it answers a REST call."""
        if self.is_running():
            return self
        python = BQEMULATOR_DIR / "venv" / "bin" / "python"
        if not python.exists():
            raise ServiceError(
                f"{python} missing: run `bash infra/local/bootstrap.d/62-bqemulator.sh`"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(BQEMULATOR_DIR / "home")}
        cmd = [
            str(python), str(_LAUNCH), "start", "--rest-port", str(self.port),
            "--grpc-port", str(self.grpc_port), "--project", self.project,
            "--ephemeral", "--log-level", "warning",
        ]  # fmt: skip
        with self.log_file.open("ab") as out:
            proc = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.state_file.write_text(
            json.dumps({"port": self.port, "grpc_port": self.grpc_port, "pid": proc.pid})
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ServiceError(f"bqemulator exited:\n{self._tail()}")
            if port_open(self.port) and self._answers():
                log.info("bqemulator listening on %s", self.endpoint)
                return self
            time.sleep(0.2)
        proc.kill()
        raise ServiceError(f"bqemulator not ready in {timeout:.0f}s:\n{self._tail()}")

    def _answers(self) -> bool:
        url = f"{self.endpoint}/bigquery/v2/projects/{self.project}/datasets"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def _tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-n:])
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the emulator."""
        pid = self.pid()
        if pid is not None:
            terminate(pid, timeout)

    def pid(self) -> int | None:
        """Return the emulator pid when it runs."""
        return live_pid(read_state(self.state_file))

    def is_running(self) -> bool:
        """Return whether the emulator runs and listens."""
        return self.pid() is not None and port_open(self.port)
