"""Import one DSR file atomically: all lines accounted for, or a `failed` DSR and no rows."""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import psycopg
from sqlalchemy import ColumnElement, Connection, Engine, and_, insert, or_, select, text, update
from sqlalchemy.exc import DBAPIError

from riverbed.core.errors import DataError
from riverbed.ingestor.dsr._stage import (
    attach_stage,
    copy_raw,
    create_stage,
    drop_usage,
    load_stage,
    stage_counts,
)
from riverbed.ingestor.dsr.filename import DsrName, parse_dsr_name
from riverbed.ingestor.dsr.lines import Chunk, LineIssue, open_dsr, read_chunks, read_raw
from riverbed.ingestor.dsr.schema import currency, dsr, reject, territory

__all__ = ["ImportResult", "RejectPolicy", "delete_dsr", "file_checksum", "import_dsr"]

log = logging.getLogger(__name__)
_MAX_REPORTED = 20
_REJECT_BATCH = 5_000


class RejectPolicy(StrEnum):
    """What a malformed line does to its file."""

    REJECT_FILE = "reject-file"
    QUARANTINE = "quarantine"


@dataclass(frozen=True)
class ImportResult:
    """Outcome of one file's import."""

    path: str
    dsr_id: int
    status: str
    skipped: bool
    lines_total: int
    lines_ingested: int
    lines_rejected: int
    error: str | None = None


class _Failed(Exception):
    """The import must roll back and leave a failed DSR with this reason."""


@dataclass
class _Counts:
    total: int = 0
    valid: int = 0
    missing_usages: int = 0
    missing_revenue: int = 0
    rejected: int = 0


def file_checksum(path: Path) -> str:
    """Return the SHA-256 of the file's bytes, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def delete_dsr(conn: Connection, dsr_id: int) -> None:
    """Delete a DSR, its usages and rejects (a resource lives as long as one of its lines)."""
    drop_usage(conn, dsr_id)
    conn.execute(reject.delete().where(reject.c.dsr_id == dsr_id))
    conn.execute(dsr.delete().where(dsr.c.id == dsr_id))


def _key_filter(meta: DsrName) -> ColumnElement[bool]:
    return and_(
        dsr.c.dsp == meta.dsp,
        dsr.c.commercial_model == meta.commercial_model,
        dsr.c.territory_code == meta.territory,
        dsr.c.period_start == meta.period_start,
        dsr.c.period_end == meta.period_end,
    )


def _check_reference(conn: Connection, meta: DsrName, name: str) -> None:
    if conn.scalar(select(territory.c.code_2).where(territory.c.code_2 == meta.territory)) is None:
        raise DataError(f"unknown territory {meta.territory!r}", path=name)
    if conn.scalar(select(currency.c.code).where(currency.c.code == meta.currency)) is None:
        raise DataError(f"unknown currency {meta.currency!r}", path=name)


def import_dsr(
    engine: Engine,
    path: Path,
    *,
    display_path: str | None = None,
    policy: RejectPolicy = RejectPolicy.REJECT_FILE,
    block_bytes: int = 1 << 20,
) -> ImportResult:
    """Import `path` (its outer name carries the metadata); never leaves partial rows."""
    name = display_path or str(path)
    meta = parse_dsr_name(name)
    checksum = file_checksum(path)
    with engine.begin() as conn:
        _check_reference(conn, meta, name)
        same = conn.execute(
            select(dsr.c.id, dsr.c.lines_total, dsr.c.lines_ingested, dsr.c.lines_rejected).where(
                _key_filter(meta), dsr.c.checksum == checksum, dsr.c.status == "ingested"
            )
        ).first()
    if same is not None:
        log.info("%s: already ingested as DSR %s (same checksum), skipped", name, same.id)
        return ImportResult(name, same.id, "ingested", True, same[1], same[2], same[3])
    counts = _Counts()
    try:
        with engine.begin() as conn:
            dsr_id = _load(conn, path, name, meta, checksum, policy, counts, block_bytes)
    except _Failed as exc:
        return _record_failure(engine, name, meta, checksum, counts, str(exc))
    except DataError as exc:
        return _record_failure(engine, name, meta, checksum, counts, str(exc))
    log.info("%s: ingested as DSR %s (%d lines)", name, dsr_id, counts.total)
    return ImportResult(
        name, dsr_id, "ingested", False, counts.total, counts.valid, counts.rejected
    )


def _load(
    conn: Connection,
    path: Path,
    name: str,
    meta: DsrName,
    checksum: str,
    policy: RejectPolicy,
    counts: _Counts,
    block_bytes: int,
) -> int:
    if conn.dialect.name == "postgresql":
        key = f"dsr:{meta.dsp}:{meta.commercial_model}:{meta.territory}:{meta.period_start}"
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    dsr_id = _insert_dsr(conn, name, meta, checksum, "failed", counts, "import in progress")
    started = time.perf_counter()
    issues: list[LineIssue] = []
    if not (
        conn.dialect.name == "postgresql"
        and _optimistic(conn, dsr_id, path, name, counts, block_bytes)
    ):
        create_stage(conn, dsr_id)  # the refused optimistic load took its stage with it
        sink = _reject_sink(conn, dsr_id) if policy is RejectPolicy.QUARANTINE else None
        with open_dsr(path) as stream:
            chunks = _tally(read_chunks(stream, name, block_bytes), counts, issues, sink, name)
            load_stage(conn, dsr_id, chunks)
        if sink is not None:
            sink(None)
    if counts.rejected and policy is RejectPolicy.REJECT_FILE:
        shown = "; ".join(f"line {i.line}: {i.reason}" for i in issues)
        more = (
            f" (and {counts.rejected - len(issues)} more)" if counts.rejected > len(issues) else ""
        )
        raise _Failed(f"{name}: {counts.rejected} malformed line(s): {shown}{more}")
    if counts.valid + counts.rejected != counts.total:
        raise _Failed(
            f"{name}: {counts.total} lines read but {counts.valid + counts.rejected} accounted for"
        )
    phases = {"load": time.perf_counter() - started}
    begun = time.perf_counter()
    try:
        attach_stage(conn, dsr_id)
    except DBAPIError as exc:
        if "duplicate" in str(exc.orig).lower() or "unique" in str(exc.orig).lower():
            raise _Failed(f"{name}: the same dsp_id is reported on several lines") from None
        raise
    phases["key_and_attach"] = time.perf_counter() - begun
    log.info("%s: %s", name, ", ".join(f"{k} {v:.2f}s" for k, v in phases.items()))
    _replace_previous(conn, meta, checksum, dsr_id)
    conn.execute(
        update(dsr)
        .where(dsr.c.id == dsr_id)
        .values(status="ingested", error=None, **_count_values(counts))
    )
    return dsr_id


def _optimistic(
    conn: Connection, dsr_id: int, path: Path, name: str, counts: _Counts, block_bytes: int
) -> bool:
    """COPY the file as is; True when Postgres accepted every line (else roll back, False)."""
    savepoint = conn.begin_nested()
    try:
        create_stage(conn, dsr_id)  # in the COPY's own subtransaction, so it may FREEZE
        with open_dsr(path) as stream:
            lines = copy_raw(conn, dsr_id, read_raw(stream, name, block_bytes))
        rows, no_usages, no_revenue = stage_counts(conn, dsr_id)
        if rows != lines:
            raise _Refused(f"{rows} rows for {lines} lines")
        savepoint.commit()
    except (psycopg.Error, _Refused) as exc:
        savepoint.rollback()
        log.info(
            "%s: fast path refused (%s); checking line by line", name, str(exc).splitlines()[0]
        )
        return False
    except (OSError, EOFError, zlib.error) as exc:
        savepoint.rollback()
        raise DataError(
            f"cannot read the file (corrupt or truncated gzip?): {exc}", path=name
        ) from None
    counts.total = counts.valid = rows
    counts.missing_usages, counts.missing_revenue = no_usages, no_revenue
    return True


class _Refused(Exception):
    """The optimistic load does not add up."""


def _tally(
    chunks: Iterator[Chunk],
    counts: _Counts,
    issues: list[LineIssue],
    sink: Callable[[list[LineIssue] | None], None] | None,
    name: str,
) -> Iterator[Chunk]:
    try:
        for chunk in chunks:
            counts.total += chunk.lines
            counts.valid += chunk.valid
            counts.missing_usages += chunk.missing_usages
            counts.missing_revenue += chunk.missing_revenue
            counts.rejected += len(chunk.issues)
            for issue in chunk.issues:
                log.warning("%s:%d: %s", name, issue.line, issue.reason)
            if sink is not None and chunk.issues:
                sink(chunk.issues)
            elif chunk.issues and len(issues) < _MAX_REPORTED:
                issues.extend(chunk.issues[: _MAX_REPORTED - len(issues)])
            if counts.rejected and sink is None:
                chunk.data = b""  # the file is rejected anyway: keep checking, stop loading
            yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"cannot read the file (corrupt or truncated gzip?): {exc}",
            path=name,
            line=counts.total + 2,
        ) from None


def _reject_sink(conn: Connection, dsr_id: int) -> Callable[[list[LineIssue] | None], None]:
    pending: list[dict[str, object]] = []

    def sink(batch: list[LineIssue] | None) -> None:
        if batch:
            pending.extend(
                {"dsr_id": dsr_id, "line_no": i.line, "reason": i.reason, "raw": i.raw}
                for i in batch
            )
        if pending and (batch is None or len(pending) >= _REJECT_BATCH):
            conn.execute(insert(reject), pending)
            pending.clear()

    return sink


def _count_values(counts: _Counts) -> dict[str, int]:
    return {
        "lines_total": counts.total,
        "lines_ingested": counts.valid,
        "lines_rejected": counts.rejected,
        "lines_missing_usages": counts.missing_usages,
        "lines_missing_revenue": counts.missing_revenue,
    }


def _insert_dsr(
    conn: Connection,
    name: str,
    meta: DsrName,
    checksum: str,
    status: str,
    counts: _Counts,
    error: str | None,
) -> int:
    values = {
        "path": name,
        "dsp": meta.dsp,
        "commercial_model": meta.commercial_model,
        "territory_code": meta.territory,
        "currency_code": meta.currency,
        "period_start": meta.period_start,
        "period_end": meta.period_end,
        "status": status,
        "checksum": checksum,
        "error": error,
        "created_at": datetime.now(UTC),
        **_count_values(counts),
    }
    dsr_id = conn.execute(insert(dsr).values(**values).returning(dsr.c.id)).scalar_one()
    return int(dsr_id)


def _replace_previous(conn: Connection, meta: DsrName, checksum: str, keep: int) -> None:
    """Delete the DSR this file corrects and earlier failed attempts at it."""
    superseded = or_(
        _key_filter(meta),
        and_(dsr.c.checksum == checksum, dsr.c.status == "failed"),
    )
    old = conn.scalars(select(dsr.c.id).where(dsr.c.id != keep, superseded)).all()
    for dsr_id in old:
        log.info("replacing DSR %s", dsr_id)
        delete_dsr(conn, dsr_id)


def _record_failure(
    engine: Engine, name: str, meta: DsrName, checksum: str, counts: _Counts, reason: str
) -> ImportResult:
    log.error("%s", reason)
    with engine.begin() as conn:
        for dsr_id in conn.scalars(
            select(dsr.c.id).where(dsr.c.checksum == checksum, dsr.c.status == "failed")
        ).all():
            delete_dsr(conn, dsr_id)
        counts.valid = 0
        dsr_id = _insert_dsr(conn, name, meta, checksum, "failed", counts, reason)
    return ImportResult(name, dsr_id, "failed", False, counts.total, 0, counts.rejected, reason)
