"""Load one nightly delivery (internal CSVs + vendor JSON full dumps) into the warehouse."""

from __future__ import annotations

import csv
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from riverbed.core.duckdb_resources import resource_statements
from riverbed.core.errors import DataError, UserInputError
from riverbed.ingestor.streaming._entities import DIMENSIONS, STREAMS, Entity
from riverbed.ingestor.streaming._sql import run_script, sql_text
from riverbed.ingestor.streaming.settings import StreamingSettings

__all__ = ["EntityResult", "LoadResult", "load"]

log = logging.getLogger(__name__)

# The classes of scd2_diff.sql, in the order they are reported.
CHANGES = ("new", "resurrected", "changed", "unchanged", "kept_rejected", "deleted")
# Prefix of the load_log fingerprints that hash the streams' content (before: a row count).
FINGERPRINT_VERSION = "v2"


@dataclass
class EntityResult:
    """What one file did to the warehouse."""

    name: str
    records: int = 0
    rejected: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class LoadResult:
    """Outcome of a load: its id, date, per-file results and whether anything changed."""

    load_id: int | None
    as_of: date
    entities: list[EntityResult]
    warnings: int = 0
    skipped: bool = False
    message: str = ""

    def by_name(self, name: str) -> EntityResult:
        """Return the result of one entity."""
        return next(e for e in self.entities if e.name == name)


def _check_files(internal: Path, vendor: Path) -> dict[str, Path]:
    """Return the path of every expected file; refuse missing ones and bad CSV headers."""
    paths: dict[str, Path] = {}
    for ent in (*DIMENSIONS, STREAMS):
        folder = internal if ent.origin == "internal" else vendor
        path = folder / ent.filename
        if not path.is_file():
            raise UserInputError(f"{path}: {ent.origin} file {ent.filename} is missing")
        if ent.header:
            with path.open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh), [])
            missing = [c for c in ent.header if c not in header]
            if missing:
                raise DataError(
                    f"header lacks column(s) {', '.join(missing)}; found {header}",
                    path=str(path),
                    line=1,
                    field=missing[0],
                )
        else:
            with path.open("rb") as fh:
                start = fh.read(4096).lstrip()
            if not start.startswith(b"["):
                raise DataError("expected a JSON array of objects", path=str(path), line=1)
        paths[ent.name] = path
    return paths


def _stage(con: duckdb.DuckDBPyConnection, ent: Entity, path: Path) -> EntityResult:
    """Read one file into its staging table; turn reader failures into a DataError."""
    t0 = time.perf_counter()
    try:
        run_script(con, sql_text(ent.stage_sql), {"path": str(path)})
        if run_script(con, sql_text("duplicates_count"), stage=ent.stage)[0][0]:
            fmt = "csv" if ent.header else "json"
            run_script(
                con,
                sql_text(f"duplicates_{fmt}"),
                {"path": str(path), "what": ent.duplicate},
                stage=ent.stage,
                columns=", ".join(ent.header),
            )
    except duckdb.Error as exc:
        raise DataError(f"cannot read {ent.filename}: {exc}", path=str(path)) from exc
    n, bad = con.execute(f"SELECT count(*), count(reason) FROM {ent.stage}").fetchone() or (0, 0)
    log.info("staged %s: %d records, %d rejected", ent.filename, n, bad)
    return EntityResult(ent.name, records=n, rejected=bad, seconds=time.perf_counter() - t0)


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Return an order-free fingerprint of every staged valid record (`v2;name:n:h;...`)."""
    parts = [FINGERPRINT_VERSION]
    for ent in (*DIMENSIONS, STREAMS):
        rows = run_script(con, sql_text("fingerprint"), stage=ent.stage, hash_expr=ent.hash_expr)
        parts.append(f"{ent.name}:{rows[0][0]}:{rows[0][1]}")
    return ";".join(parts)


def _same_as_legacy(con: duckdb.DuckDBPyConnection, fingerprint: str, legacy: str) -> bool:
    """Tell whether this delivery equals the one behind a pre-v2 `legacy` fingerprint.

    The dimension parts are computed as before and compared exactly; the old streams part only
    holds a trustworthy row count, so the streams must also all be in fact_stream unchanged.
    """
    new_parts = fingerprint.split(";")[1:]
    old_parts = legacy.split(";")
    if len(new_parts) != len(old_parts) or new_parts[:-1] != old_parts[:-1]:
        return False
    if new_parts[-1].split(":")[:2] != old_parts[-1].split(":")[:2]:
        return False
    return run_script(con, sql_text("legacy_streams_check"))[0][0] == 0


def _last_load(con: duckdb.DuckDBPyConnection) -> tuple[int, date | None, str | None]:
    """Return the next load id, the latest loaded date and its fingerprint."""
    row = con.execute(
        "SELECT load_id, as_of, fingerprint FROM load_log ORDER BY as_of DESC, load_id DESC LIMIT 1"
    ).fetchone()
    next_id = (
        con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone() or (1,)
    )[0]
    if row is None:
        return next_id, None, None
    return next_id, row[1], row[2]


def _guard_mass_delete(ent: Entity, res: EntityResult, current: int) -> None:
    """Refuse a dump whose valid records vanished entirely while the warehouse holds some."""
    if current and res.records - res.rejected == 0:
        raise DataError(
            f"{ent.filename} holds no valid record but {current} are current; refusing to "
            "mark everything deleted (a truncated delivery?)",
            field=ent.name,
        )


def _configure(
    con: duckdb.DuckDBPyConnection, settings: StreamingSettings, warehouse: Path | None = None
) -> None:
    """Apply the DuckDB resource limits (beyond them DuckDB spills to temp_directory)."""
    for stmt in resource_statements(settings, warehouse):
        con.execute(stmt)
    con.execute(f"SET preserve_insertion_order = {str(settings.preserve_insertion_order).lower()}")


def load(
    internal_dir: Path,
    vendor_dir: Path,
    as_of: date,
    warehouse: Path,
    settings: StreamingSettings | None = None,
) -> LoadResult:
    """Validate and load one delivery dated `as_of`; all or nothing, in date order."""
    paths = _check_files(Path(internal_dir), Path(vendor_dir))
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        _configure(con, settings or StreamingSettings(), warehouse)
        run_script(con, sql_text("schema"))
        load_id, last, last_fp = _last_load(con)
        if last is not None and as_of < last:
            raise UserInputError(
                f"out-of-order delivery: --as-of {as_of} is before the latest load ({last}) "
                f"in {warehouse}; load dumps in date order (rebuild a fresh warehouse to backfill)"
            )
        con.execute("BEGIN TRANSACTION")
        try:
            result, commit = _load_in_tx(
                con, paths, as_of, load_id, last, last_fp, internal_dir, vendor_dir
            )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT" if commit else "ROLLBACK")
        return result
    finally:
        con.close()


def _load_in_tx(
    con: duckdb.DuckDBPyConnection,
    paths: dict[str, Path],
    as_of: date,
    load_id: int,
    last: date | None,
    last_fp: str | None,
    internal_dir: Path,
    vendor_dir: Path,
) -> tuple[LoadResult, bool]:
    """Stage, check, merge and log one delivery inside the open transaction; say to commit."""
    results = [_stage(con, ent, paths[ent.name]) for ent in (*DIMENSIONS, STREAMS)]
    fingerprint = _fingerprint(con)
    if last is not None and as_of == last:
        legacy = not (last_fp or "").startswith(FINGERPRINT_VERSION + ";")
        if fingerprint == last_fp or (legacy and _same_as_legacy(con, fingerprint, last_fp or "")):
            msg = f"delivery of {as_of} already loaded with identical content: nothing changed"
            if legacy:
                # Store the v2 fingerprint so the next re-delivery compares it directly.
                con.execute(
                    "UPDATE load_log SET fingerprint = ? WHERE as_of = ? AND fingerprint = ?",
                    [fingerprint, as_of, last_fp],
                )
                msg += f" (load_log fingerprint upgraded to {FINGERPRINT_VERSION})"
            log.info(msg)
            return LoadResult(None, as_of, results, skipped=True, message=msg), legacy
        raise UserInputError(
            f"a different delivery for {as_of} was already loaded; deliveries are immutable, "
            "load the new one with a later --as-of"
        )
    params = {"as_of": as_of, "load_id": load_id}
    for ent, res in zip(DIMENSIONS, results, strict=False):
        t0 = time.perf_counter()
        assert ent.table is not None
        diff = run_script(con, sql_text("scd2_diff"), table=ent.table, stage=ent.stage)
        counts = {str(k): int(v) for k, v in diff}
        res.changes = {k: counts[k] for k in CHANGES}
        current = res.changes.get("changed", 0) + res.changes.get("unchanged", 0)
        _guard_mass_delete(ent, res, current + res.changes.get("deleted", 0))
        run_script(
            con,
            sql_text("rejects"),
            {**params, "source_file": str(paths[ent.name])},
            stage=ent.stage,
        )
        cols = ", ".join(ent.columns)
        run_script(
            con,
            sql_text("scd2_merge"),
            params,
            table=ent.table,
            stage=ent.stage,
            columns=cols,
        )
        res.seconds += time.perf_counter() - t0
        log.info("merged %s: %s", ent.table, res.changes)
    streams = results[-1]
    t0 = time.perf_counter()
    run_script(
        con,
        sql_text("rejects"),
        {**params, "source_file": str(paths["streams"])},
        stage="stg_stream",
    )
    new = run_script(con, sql_text("streams_insert"), params)[0][0]
    streams.changes = {"new": new, "already_loaded": streams.records - streams.rejected - new}
    streams.seconds += time.perf_counter() - t0
    warn_before = con.execute("SELECT count(*) FROM rejects").fetchone()
    run_script(
        con,
        sql_text("warnings"),
        {**params, "books_file": str(paths["books"]), "reviews_file": str(paths["reviews"])},
    )
    warn_after = con.execute("SELECT count(*) FROM rejects").fetchone()
    warnings = (warn_after[0] if warn_after else 0) - (warn_before[0] if warn_before else 0)
    summary = "; ".join(
        f"{r.name}: {r.records} records, {r.rejected} rejected, {r.changes}" for r in results
    )
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [load_id, as_of, datetime.now(), str(internal_dir), str(vendor_dir), fingerprint, summary],
    )
    result = LoadResult(
        load_id, as_of, results, warnings=warnings, message=f"load {load_id} of {as_of} committed"
    )
    return result, True
