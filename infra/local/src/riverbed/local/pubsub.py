"""Google's Pub/Sub fake (`pstest`, built from infra/local/pstest with Go) as a local process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from pathlib import Path

from riverbed.core.errors import ServiceError
from riverbed.local._state import live_pid, read_state, terminate
from riverbed.local.ports import free_port, port_open, wait_for_port

__all__ = ["PSTEST_BIN", "LocalPubSub"]

log = logging.getLogger(__name__)

_LOCAL_DIR = Path(__file__).resolve().parents[3]  # infra/local
PSTEST_BIN = Path(os.environ.get("RIVERBED_PSTEST_BIN", _LOCAL_DIR / "build" / "bin" / "pstest"))


class LocalPubSub:
    """An in-memory Pub/Sub emulator on 127.0.0.1; clients find it via PUBSUB_EMULATOR_HOST.

    State (topics, subscriptions, messages) lives in memory only: a restart starts empty.
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir.absolute()
        self.state_file = self.data_dir / "pubsub.json"
        self.log_file = self.data_dir / "pstest.log"
        saved = read_state(self.state_file)
        self.port: int = port or int(saved.get("port") or 0) or free_port()

    @property
    def emulator_host(self) -> str:
        """Return `host:port` for PUBSUB_EMULATOR_HOST."""
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> LocalPubSub:
        """Start the emulator (idempotent) and wait until it listens."""
        if self.is_running():
            return self
        if not PSTEST_BIN.exists():
            raise ServiceError(
                f"{PSTEST_BIN} missing: run `bash infra/local/bootstrap.d/61-pstest.sh` (needs Go)"
            )
        if port_open(self.port):
            raise ServiceError(f"cannot start pstest: port {self.port} is taken")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            proc = subprocess.Popen(
                [str(PSTEST_BIN), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.state_file.write_text(json.dumps({"port": self.port, "pid": proc.pid}))
        try:
            wait_for_port(self.port, timeout=timeout, what="pstest")
        except ServiceError:
            proc.kill()
            raise
        log.info("pstest listening on %s", self.emulator_host)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the emulator (SIGTERM, then SIGKILL)."""
        pid = self.pid()
        if pid is None:
            return
        terminate(pid, timeout)
        deadline = time.monotonic() + timeout
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def pid(self) -> int | None:
        """Return the emulator pid when it runs."""
        return live_pid(read_state(self.state_file))

    def is_running(self) -> bool:
        """Return whether the emulator runs and listens."""
        return self.pid() is not None and port_open(self.port)
