"""A throwaway MariaDB server from Debian's `mariadb-server`, on a free TCP port.

`mariadb-install-db` creates a datadir of its own; `mariadbd` serves it on 127.0.0.1 with its
own socket and pid file, as an unprivileged system user when we are root. Nothing touches the
system's MariaDB service.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pymysql

from riverbed.core.errors import ServiceError
from riverbed.local.ports import free_port, port_open

__all__ = ["MARIADBD", "LocalMariaDB", "mariadb_available"]

MARIADBD = Path(shutil.which("mariadbd") or "/usr/sbin/mariadbd")
_INSTALL_DB = "mariadb-install-db"
_SYSTEM_USER = "riverbed_mariadb"
log = logging.getLogger(__name__)


def mariadb_available() -> bool:
    """Return whether the mariadb-server binaries are installed."""
    return MARIADBD.exists() and shutil.which(_INSTALL_DB) is not None


def _system_user() -> str | None:
    """Return the user to run as when root (created on first use), else None."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                _SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )
    return _SYSTEM_USER


def _traversable(path: Path) -> None:
    """Let other users traverse every parent of `path` (pytest's tmp dirs are 0700)."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o001 == 0:
            parent.chmod(mode | 0o001)


class LocalMariaDB:
    """A MariaDB server in `data_dir`, listening on 127.0.0.1:`port`, root without password."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.datadir = self.data_dir / "data"
        self.port = port or free_port()
        self.user = _system_user()
        self.socket = self.data_dir / "mysqld.sock"
        if len(str(self.socket)) > 100:  # unix socket paths are limited to 108 bytes
            self.socket = Path(f"/tmp/riverbed-mariadb-{os.getpid()}-{self.port}.sock")
        self.log_file = self.data_dir / "error.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> LocalMariaDB:
        """Create the datadir when new and start the server."""
        if not mariadb_available():
            raise ServiceError(
                "MariaDB is not installed: run `make install` (Debian package mariadb-server)"
            )
        if self._proc is not None and self._proc.poll() is None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            _traversable(self.data_dir)
            shutil.chown(self.data_dir, self.user)
        user_args = [f"--user={self.user}"] if self.user else []
        if not (self.datadir / "mysql").is_dir():
            self._install_db(user_args)
        if port_open(self.port):
            self.port = free_port()
        cmd = [
            str(MARIADBD),
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.socket}",
            f"--pid-file={self.data_dir / 'mysqld.pid'}",
            f"--log-error={self.log_file}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--default-time-zone=+00:00",
            "--innodb-buffer-pool-size=128M",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            *user_args,
        ]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_ready(timeout)
        log.info("mariadb listening on 127.0.0.1:%s (%s)", self.port, self.datadir)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the server down cleanly (SIGTERM), killing it after `timeout` seconds."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        if self.socket.parent == Path("/tmp"):
            self.socket.unlink(missing_ok=True)

    def destroy(self) -> None:
        """Stop the server and delete its files."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def is_running(self) -> bool:
        """Return whether the server process lives and listens."""
        return self._proc is not None and self._proc.poll() is None and port_open(self.port)

    def url(self, database: str = "mysql", driver: str = "mysql+pymysql") -> str:
        """Return a SQLAlchemy URL (user root, no password)."""
        return f"{driver}://root@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def connect(self, database: str | None = None, **kwargs: Any) -> pymysql.Connection[Any]:
        """Open an autocommit PyMySQL connection as root."""
        return pymysql.connect(
            host="127.0.0.1",
            port=self.port,
            user="root",
            password="",
            database=database,
            autocommit=True,
            charset="utf8mb4",
            **kwargs,
        )

    def create_database(self, name: str) -> str:
        """Create database `name` (dropping a previous one) and return its URL."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name`."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def _install_db(self, user_args: list[str]) -> None:
        cmd = [
            _INSTALL_DB,
            "--no-defaults",
            f"--datadir={self.datadir}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
            *user_args,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd="/")
        if proc.returncode != 0:
            raise ServiceError(
                f"mariadb-install-db failed ({proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-2000:]}"
            )

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                break
            try:
                with self.connect() as conn, conn.cursor() as cur:
                    cur.execute("SELECT 1")
                return
            except pymysql.err.OperationalError as exc:
                last = exc
                time.sleep(0.1)
        tail = ""
        if self.log_file.exists():
            tail = "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
        self.stop()
        raise ServiceError(f"mariadb on port {self.port} not ready: {last}\n{tail}".strip())
