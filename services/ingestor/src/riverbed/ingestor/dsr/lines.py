"""Stream a DSR file into validated COPY-text chunks, reporting every malformed line."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from riverbed.core.errors import DataError

__all__ = ["HEADER", "Chunk", "LineIssue", "open_dsr", "read_chunks", "read_raw"]

HEADER = (b"dsp_id", b"title", b"artists", b"isrc", b"usages", b"revenue")
MAX_USAGES = 2**63 - 1
_TEXT = rb"[^\t\n\r\\]"
_REVENUE = rb"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?"
# one valid line: non-empty dsp_id, 3 text fields, optional usages/revenue, CRLF or LF
_LINE = rb"%s+\t%s*\t%s*\t%s*\t\d{0,18}\t(?:%s)?\r?\n" % (_TEXT, _TEXT, _TEXT, _TEXT, _REVENUE)
_CHUNK_OK = re.compile(rb"(?:%s)*" % _LINE)
_MISSING_USAGES = re.compile(rb"\t\t[^\t\n]*\n")
_NUMBER = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


@dataclass(frozen=True)
class LineIssue:
    """One malformed line: its number (1 = header), the reason and the raw bytes."""

    line: int
    reason: str
    raw: bytes


@dataclass
class Chunk:
    """Valid lines as COPY text (LF, tab-separated, empty = NULL) plus the rejected lines."""

    data: bytes
    lines: int
    valid: int
    missing_usages: int
    missing_revenue: int
    issues: list[LineIssue] = field(default_factory=list)


def open_dsr(path: Path) -> BinaryIO:
    """Open a DSR, gzip or plain, by its magic bytes (the gzip header name is ignored)."""
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _check_header(raw: bytes, name: str) -> None:
    fields = tuple(raw.rstrip(b"\r\n").split(b"\t"))
    if fields != HEADER:
        got = raw[:200].decode("utf-8", "backslashreplace").rstrip("\r\n")
        raise DataError(
            f"bad header {got!r}; expected {'<TAB>'.join(h.decode() for h in HEADER)}",
            path=name,
            line=1,
        )


def _check_line(raw: bytes) -> tuple[str | None, bytes]:
    """Validate one line (without its line ending); return (reason, COPY text line)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}", b""
    fields = raw.split(b"\t")
    if len(fields) != len(HEADER):
        return f"expected {len(HEADER)} tab-separated fields, found {len(fields)}", b""
    if b"\r" in raw or b"\n" in raw:
        return "carriage return inside a field", b""
    if not fields[0]:
        return "empty dsp_id", b""
    usages, revenue = fields[4].decode(), fields[5].decode()
    if usages:
        if usages.startswith("-") and usages[1:].isdigit():
            return f"negative usages {usages!r}", b""
        if not (usages.isascii() and usages.isdigit()):
            return f"usages is not a whole number: {usages[:40]!r}", b""
        if int(usages) > MAX_USAGES:
            return f"usages out of range: {usages[:40]!r}", b""
    if revenue:
        if revenue.startswith("-") and _NUMBER.match(revenue[1:]):
            return f"negative revenue {revenue!r}", b""
        if not _NUMBER.match(revenue):
            return f"revenue is not a number: {revenue[:40]!r}", b""
        try:
            Decimal(revenue)
        except InvalidOperation:
            return f"revenue is not a number: {revenue[:40]!r}", b""
    text = [f.replace(b"\\", b"\\\\") for f in fields]
    return None, b"\t".join(text) + b"\n"


def _slow(block: bytes, first_line: int) -> Chunk:
    """Check a block line by line (only blocks failing the fast path come here)."""
    out: list[bytes] = []
    issues: list[LineIssue] = []
    parts = block.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    missing_u = missing_r = 0
    for offset, part in enumerate(parts):
        raw = part[:-1] if part.endswith(b"\r") else part
        reason, line = _check_line(raw)
        if reason is not None:
            issues.append(LineIssue(first_line + offset, reason, raw))
            continue
        out.append(line)
        fields = raw.split(b"\t")
        missing_u += not fields[4]
        missing_r += not fields[5]
    return Chunk(b"".join(out), len(parts), len(out), missing_u, missing_r, issues)


def _fast(block: bytes, first_line: int) -> Chunk:
    """Validate a whole block with one regex; fall back to line by line on any doubt."""
    if _CHUNK_OK.fullmatch(block) is None or (not block.isascii() and not _utf8(block)):
        return _slow(block, first_line)
    data = block.replace(b"\r\n", b"\n")
    lines = data.count(b"\n")
    return Chunk(data, lines, lines, len(_MISSING_USAGES.findall(data)), data.count(b"\t\n"))


def _utf8(block: bytes) -> bool:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_chunks(stream: BinaryIO, name: str, block_bytes: int = 1 << 20) -> Iterator[Chunk]:
    """Yield validated chunks of about `block_bytes`; the whole file is never in memory."""
    header = stream.readline(64 * 1024)
    if not header:
        raise DataError("empty file: no header line", path=name, line=1)
    _check_header(header, name)
    line_no = 2
    rest = b""
    while True:
        data = stream.read(block_bytes)
        if not data:
            break
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) > 64 * block_bytes:
                raise DataError("line longer than the block limit", path=name, line=line_no)
            rest = data
            continue
        block, rest = data[:cut], data[cut:]
        chunk = _fast(block, line_no)
        line_no += chunk.lines
        yield chunk
    if rest:
        chunk = _fast(rest + b"\n", line_no)
        yield chunk


def read_raw(
    stream: BinaryIO, name: str, block_bytes: int = 1 << 20
) -> Iterator[tuple[bytes, int]]:
    """Yield (COPY text block, newlines in it) unvalidated, for the optimistic Postgres path.

    Blocks need not end on a line (COPY is a stream). Only backslashes are escaped (COPY's
    text format would interpret them); Postgres checks types, field counts, encoding and line
    endings, and any refusal falls back to `read_chunks`, which reports every bad line.
    """
    header = stream.readline(64 * 1024)
    if not header:
        raise DataError("empty file: no header line", path=name, line=1)
    _check_header(header, name)
    eol = b"\r\n" if header.endswith(b"\r\n") else b"\n"
    last = b"\n"
    while data := stream.read(block_bytes):
        last = data[-1:]
        if b"\\" in data:
            data = data.replace(b"\\", b"\\\\")
        yield data, data.count(b"\n")
    if last != b"\n":
        yield eol, 1  # the last line has no line ending
