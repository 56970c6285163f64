"""Load a DSR's lines: COPY into its own partition on Postgres, batched inserts on SQLite.

On Postgres the stage is the DSR's partition itself, `dsr_usage_<id>`: created without index,
filled with COPY, then keyed (a sorted index build) and attached to `dsr_usage`, all in the
import's transaction. On SQLite the lines go through a temporary table into `dsr_usage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text

from riverbed.ingestor.dsr.lines import Chunk

__all__ = [
    "attach_stage",
    "copy_raw",
    "create_stage",
    "drop_usage",
    "load_stage",
    "stage_counts",
]

_LINE = "dsp_id, title, artists, isrc, usages, revenue"
_COLUMNS = (
    "dsp_id text NOT NULL, title text, artists text, isrc text, usages bigint, revenue numeric"
)
# FREEZE: the partition is created in the COPY's own (sub)transaction, so its rows are written
# frozen and all-visible: no later vacuum pass has to freeze 10^7 rows per DSR. The usual
# caveat: a REPEATABLE READ snapshot older than the import sees them once it has committed.
_COPY_OPTIONS = "FORMAT text, NULL '', FREEZE"
# the optimistic COPY path relies on these to refuse what the line validator would reject
_CHECKS = ", CHECK (usages >= 0), CHECK (revenue >= 0 AND revenue < 1e300 AND revenue <> 'NaN')"


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _partition(dsr_id: int) -> str:
    return f"dsr_usage_{int(dsr_id)}"


def _stage(conn: Connection, dsr_id: int) -> str:
    return _partition(dsr_id) if _postgres(conn) else "temp.dsr_stage"


def _copy_in(conn: Connection, dsr_id: int, blocks: Iterable[bytes]) -> None:
    """COPY blocks of COPY text into the stage (Postgres)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    copy = f"COPY {_stage(conn, dsr_id)} ({_LINE}) FROM STDIN ({_COPY_OPTIONS})"
    with raw.cursor() as cur, cur.copy(copy) as cp:
        for data in blocks:
            if data:
                cp.write(data)


def create_stage(conn: Connection, dsr_id: int) -> None:
    """Create the empty table the DSR's lines are loaded into."""
    if _postgres(conn):
        n = int(dsr_id)
        conn.execute(
            text(
                f"CREATE TABLE {_partition(n)} (dsr_id bigint NOT NULL DEFAULT {n}"
                f" CHECK (dsr_id = {n}), {_COLUMNS}{_CHECKS})"
            )
        )
    else:
        conn.execute(text("DROP TABLE IF EXISTS temp.dsr_stage"))
        conn.execute(text(f"CREATE TEMP TABLE dsr_stage ({_COLUMNS})"))


def copy_raw(conn: Connection, dsr_id: int, blocks: Iterable[tuple[bytes, int]]) -> int:
    """COPY unvalidated blocks into the stage (Postgres); return the newlines sent."""
    lines = 0

    def counted() -> Iterator[bytes]:
        nonlocal lines
        for data, n in blocks:
            lines += n
            yield data

    _copy_in(conn, dsr_id, counted())
    return lines


def stage_counts(conn: Connection, dsr_id: int) -> tuple[int, int, int]:
    """Return (rows, rows without usages, rows without revenue) of the stage."""
    row = conn.execute(
        text(
            "SELECT count(*), count(*) - count(usages), count(*) - count(revenue)"
            f" FROM {_stage(conn, dsr_id)}"
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def load_stage(conn: Connection, dsr_id: int, chunks: Iterable[Chunk]) -> None:
    """Stream every chunk's valid lines into the stage."""
    if _postgres(conn):
        _copy_in(conn, dsr_id, (chunk.data for chunk in chunks))
        return
    insert = text(
        "INSERT INTO temp.dsr_stage VALUES (:dsp_id, :title, :artists, :isrc, :usages, :revenue)"
    )
    for chunk in chunks:
        rows = list(_rows(chunk.data))
        if rows:
            conn.execute(insert, rows)


def attach_stage(conn: Connection, dsr_id: int) -> None:
    """Key the loaded lines (a dsp_id twice fails here) and make them the DSR's usages."""
    n = int(dsr_id)
    if _postgres(conn):
        # a key constraint, not a bare unique index: ATTACH adopts it instead of building one
        table = _partition(n)
        conn.execute(
            text(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (dsp_id, dsr_id)")
        )
        conn.execute(text(f"ALTER TABLE dsr_usage ATTACH PARTITION {table} FOR VALUES IN ({n})"))
        return
    conn.execute(
        text(
            f"INSERT INTO dsr_usage (dsr_id, {_LINE}) SELECT :dsr_id, {_LINE} FROM temp.dsr_stage"
        ),
        {"dsr_id": n},
    )
    conn.execute(text("DROP TABLE IF EXISTS temp.dsr_stage"))


def drop_usage(conn: Connection, dsr_id: int) -> None:
    """Remove a DSR's usages: drop its partition (Postgres) or delete its rows."""
    n = int(dsr_id)
    if _postgres(conn):
        conn.execute(text(f"DROP TABLE IF EXISTS {_partition(n)}"))
    else:
        conn.execute(text("DELETE FROM dsr_usage WHERE dsr_id = :dsr_id"), {"dsr_id": n})


def _rows(data: bytes) -> Iterator[dict[str, object]]:
    """Decode COPY text lines into parameter dicts (empty field = NULL)."""
    for line in data.decode("utf-8").split("\n"):
        if not line:
            continue
        f = [v.replace("\\\\", "\\") or None for v in line.split("\t")]
        yield {
            "dsp_id": f[0],
            "title": f[1],
            "artists": f[2],
            "isrc": f[3],
            "usages": int(f[4]) if f[4] else None,
            "revenue": f[5],
        }
