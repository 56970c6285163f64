"""Fill the per-import staging table: COPY on Postgres, batched inserts on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text

from riverbed.ingestor.dsr.lines import Chunk

__all__ = ["copy_raw", "create_stage", "drop_stage", "load_stage", "stage_counts"]

_COLUMNS = "dsp_id text, title text, artists text, isrc text, usages bigint, revenue numeric"
# the optimistic COPY path relies on these to refuse what the line validator would reject
_CHECKS = (
    ", CHECK (dsp_id IS NOT NULL), CHECK (usages >= 0),"
    " CHECK (revenue >= 0 AND revenue < 1e300 AND revenue <> 'NaN')"
)


def create_stage(conn: Connection) -> None:
    """Create the temporary staging table of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE TEMP TABLE dsr_stage ({_COLUMNS}{_CHECKS}) ON COMMIT DROP"))
    else:
        conn.execute(text("DROP TABLE IF EXISTS temp.dsr_stage"))
        conn.execute(text(f"CREATE TEMP TABLE dsr_stage ({_COLUMNS})"))


def drop_stage(conn: Connection) -> None:
    """Drop the staging table where it does not vanish at commit (SQLite)."""
    if conn.dialect.name != "postgresql":
        conn.execute(text("DROP TABLE IF EXISTS temp.dsr_stage"))


def copy_raw(conn: Connection, blocks: Iterable[tuple[bytes, int]]) -> int:
    """COPY unvalidated blocks into dsr_stage (Postgres); return the newlines sent."""
    raw = conn.connection.driver_connection
    assert raw is not None
    lines = 0
    with raw.cursor() as cur, cur.copy("COPY dsr_stage FROM STDIN (FORMAT text, NULL '')") as cp:
        for data, n in blocks:
            cp.write(data)
            lines += n
    return lines


def stage_counts(conn: Connection) -> tuple[int, int, int]:
    """Return (rows, rows without usages, rows without revenue) of dsr_stage."""
    row = conn.execute(
        text("SELECT count(*), count(*) - count(usages), count(*) - count(revenue) FROM dsr_stage")
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def load_stage(conn: Connection, chunks: Iterable[Chunk]) -> None:
    """Stream every chunk's valid lines into dsr_stage."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy("COPY dsr_stage FROM STDIN (FORMAT text, NULL '')") as cp,
        ):
            for chunk in chunks:
                if chunk.data:
                    cp.write(chunk.data)
        conn.execute(text("ANALYZE dsr_stage"))
        return
    insert = text(
        "INSERT INTO dsr_stage VALUES (:dsp_id, :title, :artists, :isrc, :usages, :revenue)"
    )
    for chunk in chunks:
        rows = list(_rows(chunk.data))
        if rows:
            conn.execute(insert, rows)


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
