"""Build the set-based SQL of the DuckDB sink (identifiers quoted, columns from the schema)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["changelog_insert_sql", "create_changelog_sql", "create_mirror_sql", "merge_sql", "q"]

CHANGELOG_META = (
    ("_op", "VARCHAR"),
    ("_lsn", "BIGINT"),
    ("_tx_id", "BIGINT"),
    ("_commit_ts", "TIMESTAMPTZ"),
    ("_source_ts", "TIMESTAMPTZ"),
    ("_applied_at", "TIMESTAMPTZ"),
    ("_snapshot", "BOOLEAN"),
)


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def create_mirror_sql(target: str, columns: Sequence[tuple[str, str]], keys: Sequence[str]) -> str:
    """Return CREATE TABLE of a mirror table (source columns, PK, metadata)."""
    cols = [f"{q(n)} {t}" + (" NOT NULL" if n in keys else "") for n, t in columns]
    cols += ["_lsn BIGINT", "_op_ts TIMESTAMPTZ", "_deleted BOOLEAN NOT NULL DEFAULT false"]
    pk = f", PRIMARY KEY ({', '.join(q(k) for k in keys)})" if keys else ""
    return f"CREATE TABLE IF NOT EXISTS {target} ({', '.join(cols)}{pk})"


def create_changelog_sql(target: str, columns: Sequence[tuple[str, str]]) -> str:
    """Return CREATE TABLE of a change log table (every event, append-only)."""
    cols = [f"{q(n)} {t}" for n, t in columns] + [f"{n} {t}" for n, t in CHANGELOG_META]
    return f"CREATE TABLE IF NOT EXISTS {target} ({', '.join(cols)})"


def merge_sql(target: str, columns: Sequence[str], keys: Sequence[str], *, partial: bool) -> str:
    """Return the MERGE applying collapsed rows `s` with the LSN guard.

    A row is written only when its LSN is not older than the stored one, so replays never
    regress. Columns listed in `s._unavailable` (unchanged TOAST, absent from the image)
    keep their stored value. Rows without LSN (tombstones) only touch rows without LSN.
    """
    on = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in keys)
    sets = []
    for c in columns:
        if c in keys:
            continue
        if partial:
            sets.append(
                f"{q(c)} = CASE WHEN list_contains(s._unavailable, '{c.replace(chr(39), chr(39) * 2)}')"
                f" THEN t.{q(c)} ELSE s.{q(c)} END"
            )
        else:
            sets.append(f"{q(c)} = s.{q(c)}")
    sets += ["_lsn = coalesce(s._lsn, t._lsn)", "_op_ts = s._op_ts", "_deleted = s._deleted"]
    ins_cols = [*columns, "_lsn", "_op_ts", "_deleted"]
    return (
        f"MERGE INTO {target} AS t USING s ON ({on}) "
        "WHEN MATCHED AND (t._lsn IS NULL OR s._lsn >= t._lsn) "
        f"THEN UPDATE SET {', '.join(sets)} "
        "WHEN NOT MATCHED AND s._lsn IS NOT NULL "
        f"THEN INSERT ({', '.join(q(c) for c in ins_cols)}) "
        f"VALUES ({', '.join('s.' + q(c) for c in ins_cols)})"
    )


def changelog_insert_sql(target: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    """Return the INSERT appending events `e` not logged yet (same LSN, op and key)."""
    cols = [*columns, *(n for n, _ in CHANGELOG_META)]
    match = " AND ".join(
        ["c._lsn = e._lsn", "c._op = e._op", "c._lsn BETWEEN $lo AND $hi"]
        + [f"c.{q(k)} IS NOT DISTINCT FROM e.{q(k)}" for k in keys]
    )
    col_list = ", ".join(q(c) for c in cols)
    return (
        f"INSERT INTO {target} ({col_list}) SELECT {', '.join('e.' + q(c) for c in cols)} "
        f"FROM e WHERE NOT EXISTS (SELECT 1 FROM {target} c WHERE {match})"
    )
