"""Share the DuckDB warehouse file between the one writer (`sync run`) and many readers.

DuckDB lets one process open a file for writing and then nobody else may open it. The sync
consumer therefore holds the file only while it applies batches: it takes an exclusive
`flock` on `<file>.lock` around its connection, closes the connection when idle, and before
each batch yields to readers who announced themselves with a marker file in `<file>.readers/`.
A reader announces itself, takes a shared `flock`, opens the file read-only, reads, closes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from riverbed.core.errors import ServiceError

__all__ = ["WarehouseLock", "read_warehouse"]

_STALE_S = 120.0


class WarehouseLock:
    """The flock protocol around one DuckDB file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.readers_dir = self.path.with_name(self.path.name + ".readers")
        self._fd: int | None = None

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)

    def readers_waiting(self) -> bool:
        """Return whether a (live) reader announced it wants the file."""
        try:
            entries = list(os.scandir(self.readers_dir))
        except FileNotFoundError:
            return False
        now = time.time()
        for e in entries:
            try:
                if now - e.stat().st_mtime < _STALE_S:
                    return True
                os.unlink(e.path)
            except FileNotFoundError:
                continue
        return False

    @property
    def held(self) -> bool:
        """Return whether this process holds the writer lock."""
        return self._fd is not None

    def acquire_writer(self, reader_wait_s: float = 5.0) -> None:
        """Take the exclusive lock, first letting announced readers in (at most reader_wait_s)."""
        if self._fd is not None:
            return
        deadline = time.monotonic() + reader_wait_s
        while self.readers_waiting() and time.monotonic() < deadline:
            time.sleep(0.005)
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd

    def release_writer(self) -> None:
        """Release the exclusive lock (the caller closed its connection first)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @contextlib.contextmanager
    def reader(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the shared lock: announce, wait for the writer to yield, then read."""
        self.readers_dir.mkdir(parents=True, exist_ok=True)
        marker = self.readers_dir / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        marker.touch()
        fd = self._open()
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ServiceError(
                            f"timed out after {timeout:.0f}s waiting for the writer of {self.path}"
                        ) from None
                    marker.touch()
                    time.sleep(0.01)
            marker.unlink(missing_ok=True)
            yield
        finally:
            marker.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


@contextlib.contextmanager
def read_warehouse(path: Path, timeout: float = 60.0) -> Iterator[Any]:
    """Open the DuckDB warehouse read-only while `riverbed sync run` may be writing to it."""
    import duckdb

    path = Path(path)
    if not path.exists():
        raise ServiceError(f"warehouse {path} does not exist yet: run `riverbed sync run` first")
    with WarehouseLock(path).reader(timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                con = duckdb.connect(str(path), read_only=True)
                break
            except duckdb.IOException:
                # a writer that does not follow the protocol: retry until it lets go
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            yield con
        finally:
            con.close()
