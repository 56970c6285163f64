"""Build the BigQuery SQL of the sink: mirror/change-log DDL, the MERGE, the change-log INSERT."""

from __future__ import annotations

import json
from collections.abc import Sequence

from riverbed.ingestor.sync.sinks.bigquery._types import stage_type

__all__ = [
    "CHANGELOG_META",
    "STAGE_META",
    "STATE_DDL",
    "changelog_insert_sql",
    "create_changelog_sql",
    "create_mirror_sql",
    "literal",
    "merge_sql",
    "q",
    "truncate_sql",
]

Cols = Sequence[tuple[str, str]]

CHANGELOG_META = (
    ("_op", "STRING"),
    ("_lsn", "INT64"),
    ("_tx_id", "INT64"),
    ("_commit_ts", "TIMESTAMP"),
    ("_source_ts", "TIMESTAMP"),
    ("_applied_at", "TIMESTAMP"),
    ("_snapshot", "BOOL"),
)
# Staging rows: every event of the batch (`_log`) and the last one per key (`_row`).
STAGE_META = (
    ("_op", "STRING"),
    ("_lsn", "INT64"),
    ("_tx_id", "INT64"),
    ("_commit_ts", "TIMESTAMP"),
    ("_source_ts", "TIMESTAMP"),
    ("_snapshot", "BOOL"),
    ("_deleted", "BOOL"),
    ("_unavailable", "STRING"),
    ("_row", "BOOL"),
    ("_log", "BOOL"),
    ("_seq", "INT64"),
)

# Bookkeeping, append-only so that concurrent consumers never conflict on it.
STATE_DDL = {
    "_sync_applied": (
        "table_name STRING, last_commit_lsn INT64, last_lsn INT64, last_commit_ts TIMESTAMP,"
        " applied_at TIMESTAMP, lag_s FLOAT64, events INT64"
    ),
    "_sync_dead_letters": (
        "received_at TIMESTAMP, topic STRING, table_name STRING, reason STRING,"
        " key BYTES, value BYTES"
    ),
    "_sync_schema_changes": (
        "detected_at TIMESTAMP, table_name STRING, column_name STRING, change STRING,"
        " old_type STRING, new_type STRING"
    ),
}


def q(*parts: str) -> str:
    """Quote a (project.dataset.)table path with backticks."""
    return "`" + ".".join(p.replace("`", "") for p in parts) + "`"


def literal(value: str | bytes | int | None) -> str:
    """Return a BigQuery literal (strings and bytes go through base64: no escaping issues)."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))
    import base64

    raw = value if isinstance(value, bytes) else value.encode()
    b64 = json.dumps(base64.b64encode(raw).decode())
    if isinstance(value, bytes):
        return f"FROM_BASE64({b64})"
    return f"SAFE_CONVERT_BYTES_TO_STRING(FROM_BASE64({b64}))"


def create_mirror_sql(target: str, columns: Cols, keys: Sequence[str]) -> str:
    """Return CREATE TABLE of a mirror (source columns, metadata, clustered by the key)."""
    cols = [f"`{n}` {t}" + (" NOT NULL" if n in keys else "") for n, t in columns]
    cols += ["_lsn INT64", "_op_ts TIMESTAMP", "_deleted BOOL NOT NULL"]
    cluster = f" CLUSTER BY {', '.join(f'`{k}`' for k in keys[:4])}" if keys else ""
    return f"CREATE TABLE IF NOT EXISTS {target} ({', '.join(cols)}){cluster}"


def create_changelog_sql(target: str, columns: Cols) -> str:
    """Return CREATE TABLE of a change log (every event, append-only)."""
    cols = [f"`{n}` {t}" for n, t in columns] + [f"{n} {t}" for n, t in CHANGELOG_META]
    return f"CREATE TABLE IF NOT EXISTS {target} ({', '.join(cols)})"


def _value(col: str, typ: str) -> str:
    return f"PARSE_JSON(s.`{col}`)" if typ == "JSON" and stage_type(typ) != typ else f"s.`{col}`"


def truncate_sql(target: str, lsn: int, commit_ts: str | None) -> str:
    """Return the UPDATE marking rows older than a TRUNCATE deleted."""
    ts = f"TIMESTAMP {json.dumps(commit_ts)}" if commit_ts else "NULL"
    return (
        f"UPDATE {target} SET _deleted = TRUE, _lsn = {int(lsn)}, _op_ts = {ts}"
        f" WHERE _lsn IS NULL OR _lsn < {int(lsn)}"
    )


def merge_sql(target: str, stage: str, columns: Cols, keys: Sequence[str], *, partial: bool) -> str:
    """Return the one MERGE of a table per batch, with the LSN guard.

    A row is written only when its LSN is not older than the stored one, so a replayed or
    late message never regresses a row. Columns named in `s._unavailable` (unchanged TOAST,
    or non-key columns of a delete) keep their stored value.
    """
    on = " AND ".join(f"t.`{k}` = s.`{k}`" for k in keys)
    sets = []
    for c, typ in columns:
        if c in keys:
            continue
        value = _value(c, typ)
        if partial:
            value = f"IF(STRPOS(s._unavailable, ',{c},') > 0, t.`{c}`, {value})"
        sets.append(f"`{c}` = {value}")
    sets += ["_lsn = COALESCE(s._lsn, t._lsn)", "_op_ts = s._commit_ts", "_deleted = s._deleted"]
    names = [c for c, _ in columns]
    values = [_value(c, t) for c, t in columns] + ["s._lsn", "s._commit_ts", "s._deleted"]
    return (
        f"MERGE {target} t USING (SELECT * FROM {stage} WHERE _row) s ON {on} "
        "WHEN MATCHED AND (t._lsn IS NULL OR s._lsn >= t._lsn) "
        f"THEN UPDATE SET {', '.join(sets)} "
        "WHEN NOT MATCHED AND s._lsn IS NOT NULL "
        f"THEN INSERT ({', '.join(f'`{c}`' for c in [*names, '_lsn', '_op_ts', '_deleted'])}) "
        f"VALUES ({', '.join(values)})"
    )


def changelog_insert_sql(
    target: str, stage: str, columns: Cols, keys: Sequence[str], lo: int, hi: int
) -> str:
    """Return the INSERT appending the batch's events not logged yet (same LSN, op and key)."""
    names = [c for c, _ in columns]
    meta = [n for n, _ in CHANGELOG_META]
    values = [_value(c, t).replace("s.", "e.", 1) for c, t in columns]
    values += [
        "e._op",
        "e._lsn",
        "e._tx_id",
        "e._commit_ts",
        "e._source_ts",
        "CURRENT_TIMESTAMP()",
        "e._snapshot",
    ]
    match = " AND ".join(
        [f"c._lsn BETWEEN {int(lo)} AND {int(hi)}", "c._lsn = e._lsn", "c._op = e._op"]
        + [f"c.`{k}` = e.`{k}`" for k in keys]
    )
    return (
        f"INSERT INTO {target} ({', '.join(f'`{c}`' for c in [*names, *meta])}) "
        f"SELECT {', '.join(values)} FROM {stage} e "
        f"WHERE e._log AND e._lsn IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {target} c WHERE {match})"
    )
