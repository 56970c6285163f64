"""Keep the embedded engine's offsets file usable across a SIGKILL.

Kafka's `FileOffsetBackingStore` rewrites its file in place (truncate, then write). A process
killed in between leaves an empty or header-only file, which Kafka reads as "no offsets" without
a word, and Debezium then takes a whole new snapshot. With a JDK the engine writes its offsets
with `riverbed.AtomicFileOffsetStore` (a new file renamed over the old), which never leaves a
part; this guard covers Kafka's store (a JRE only) and files it wrote earlier. It keeps a
verified copy of the last complete file (`<file>.good`), refreshed before every batch, and puts
it back when the file is found cut short. An older copy is safe for the mirror: Postgres resumes
the slot from its confirmed position, which never passes what the sink committed, and the
sink's LSN guard makes any replay a no-op. One taken during the snapshot is not safe for the
change log: Debezium then snapshots again, and the changes committed since arrive as snapshot
rows, not as their own events; so the copy is at most one batch old.
"""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

__all__ = ["OffsetsGuard", "read_offsets"]

log = logging.getLogger(__name__)

_MAGIC = b"\xac\xed\x00\x05"
_TC_NULL, _TC_REFERENCE, _TC_CLASSDESC, _TC_OBJECT = 0x70, 0x71, 0x72, 0x73
_TC_STRING, _TC_ARRAY, _TC_BLOCKDATA, _TC_ENDBLOCKDATA = 0x74, 0x75, 0x77, 0x78


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def int(self) -> int:
        return int(struct.unpack(">i", self.take(4))[0])

    def utf(self) -> str:
        (n,) = struct.unpack(">H", self.take(2))
        return self.take(n).decode("utf-8", "replace")

    def class_desc(self) -> str:
        tag = self.byte()
        if tag == _TC_REFERENCE:
            self.take(4)
            return ""
        if tag != _TC_CLASSDESC:
            raise ValueError(f"unexpected tag {tag:#x}")
        name = self.utf()
        self.take(8 + 1)  # serialVersionUID, flags
        (fields,) = struct.unpack(">H", self.take(2))
        for _ in range(fields):
            code = chr(self.byte())
            self.utf()
            if code in "L[":  # the field's type name: a string or a back reference
                tag = self.byte()
                if tag == _TC_STRING:
                    self.utf()
                elif tag == _TC_REFERENCE:
                    self.take(4)
                else:
                    raise ValueError(f"unexpected tag {tag:#x}")
        if self.byte() != _TC_ENDBLOCKDATA or self.byte() != _TC_NULL:
            raise ValueError("unexpected class annotation or superclass")
        return name

    def byte_array(self) -> bytes:
        if self.byte() != _TC_ARRAY:
            raise ValueError("expected a byte array")
        self.class_desc()
        return self.take(self.int())


def read_offsets(path: Path) -> dict[bytes, bytes]:
    """Decode a `FileOffsetBackingStore` file (a serialized HashMap of byte arrays).

    Raise ValueError when the file is not complete.
    """
    r = _Reader(path.read_bytes())
    if r.take(4) != _MAGIC or r.byte() != _TC_OBJECT:
        raise ValueError("not a serialized object")
    if r.class_desc() != "java.util.HashMap":
        raise ValueError("not a HashMap")
    r.take(8)  # loadFactor, threshold
    if r.byte() != _TC_BLOCKDATA or r.byte() != 8:
        raise ValueError("unexpected HashMap block data")
    r.int()  # buckets
    size = r.int()
    out: dict[bytes, bytes] = {}
    for _ in range(size):
        key = r.byte_array()
        out[key] = r.byte_array()
    if r.byte() != _TC_ENDBLOCKDATA or r.pos != len(r.data):
        raise ValueError("trailing data")
    return out


def _valid(path: Path) -> bool:
    try:
        read_offsets(path)
    except (OSError, ValueError):
        return False
    return True


class OffsetsGuard:
    """Verify the offsets file at start, restore the last good copy, refresh that copy."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.good = path.with_name(path.name + ".good")
        self._seen: tuple[int, int] | None = None

    def check(self) -> None:
        """Restore `<file>.good` if the offsets file was cut short; else refresh the copy."""
        if not self.path.exists():
            # no offsets: a first start or a deliberate reset; an old copy must not come back
            self.good.unlink(missing_ok=True)
            return
        if _valid(self.path):
            self.refresh()
            return
        if _valid(self.good):
            log.warning(
                "offsets file %s is incomplete (the process was killed while writing it);"
                " restored the last complete copy, the stream resumes from the slot",
                self.path,
            )
            os.replace(self.good, self.path)
            self.refresh()
            return
        aside = self.path.with_name(self.path.name + ".corrupt")
        os.replace(self.path, aside)
        log.warning(
            "offsets file %s is incomplete and no complete copy exists; moved it to %s,"
            " Debezium takes a new snapshot",
            self.path,
            aside,
        )

    def refresh(self) -> None:
        """Copy the offsets file to `<file>.good` if it changed and is complete."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return
        seen = (st.st_mtime_ns, st.st_size)
        if seen == self._seen:
            return
        tmp = self.good.with_name(self.good.name + ".tmp")
        try:
            tmp.write_bytes(self.path.read_bytes())
        except OSError:
            return
        if not _valid(tmp):  # caught mid-write: keep the previous copy
            tmp.unlink(missing_ok=True)
            return
        os.replace(tmp, self.good)
        self._seen = seen
