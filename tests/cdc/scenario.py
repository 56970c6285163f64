"""The end-to-end CDC scenario, reusable for every source (`SourceSpec`).

Phases: snapshot of existing rows, inserts, updates, deletes, one transaction touching three
tables, a TOASTed text update, a new column, a truncate; `verify` must pass after each.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from riverbed.core.migrations import upgrade
from tests.cdc.harness import SinkSpec, SourceSpec, SyncEnv, SyncProcess, assert_verified, drop_slot

__all__ = ["PHASES", "make_env", "run_scenario", "seed_media"]

BIG = "lorem ipsum dolor sit amet " * 8000  # ~200 kB: stored out of line (TOAST)


def seed_media(conn: psycopg.Connection, pages: int = 3, videos: int = 2) -> None:
    """Insert a few pages, videos and insights (the rows present before the snapshot)."""
    conn.execute("ALTER TABLE pages ADD COLUMN IF NOT EXISTS notes text")
    for p in range(pages):
        conn.execute(
            "INSERT INTO pages (name, created_at, notes) VALUES (%s, now(), %s)",
            (f"page {p}", BIG if p == 0 else "short"),
        )
    for p in range(1, pages + 1):
        for v in range(videos):
            conn.execute(
                "INSERT INTO videos (title, page_id, created_at) VALUES (%s, %s, now())",
                (f"video {p}.{v}", p),
            )
    conn.execute(
        "INSERT INTO insights (video_id, likes, views, created_at)"
        " SELECT id, id * 10, id * 100, now() FROM videos"
    )


def _inserts(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO pages (name, created_at) VALUES ('page new', now())")
    conn.execute(
        "INSERT INTO videos (title, page_id, created_at)"
        " SELECT 'new video ' || g, 1, now() FROM generate_series(1, 50) g"
    )
    conn.execute(
        "INSERT INTO insights (video_id, likes, views, created_at)"
        " SELECT id, 1, 2, now() FROM videos WHERE title LIKE 'new video%'"
    )


def _updates(conn: psycopg.Connection) -> None:
    conn.execute("UPDATE videos SET title = title || ' (edited)' WHERE id % 3 = 0")
    conn.execute("UPDATE insights SET likes = likes + 1, views = views * 2")
    conn.execute("UPDATE insights SET likes = likes + 1 WHERE id % 2 = 0")  # twice in a row


def _deletes(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM insights WHERE id % 5 = 0")
    conn.execute("DELETE FROM videos WHERE title LIKE 'new video 1%'")  # cascades to insights


def _transaction(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("INSERT INTO pages (name, created_at) VALUES ('tx page', now())")
        conn.execute(
            "INSERT INTO videos (title, page_id, created_at)"
            " SELECT 'tx video', id, now() FROM pages WHERE name = 'tx page'"
        )
        conn.execute(
            "INSERT INTO insights (video_id, likes, views, created_at)"
            " SELECT id, 7, 70, now() FROM videos WHERE title = 'tx video'"
        )
        conn.execute("UPDATE pages SET name = 'tx page (renamed)' WHERE name = 'tx page'")
        conn.execute("DELETE FROM insights WHERE id = (SELECT min(id) FROM insights)")


def _toast(conn: psycopg.Connection) -> None:
    conn.execute("UPDATE pages SET notes = %s WHERE name = 'page 1'", (BIG + "v2",))
    # an update that leaves the TOASTed value unchanged: Debezium sends a placeholder
    conn.execute("UPDATE pages SET name = 'page 0 (renamed)' WHERE name = 'page 0'")


def _new_column(conn: psycopg.Connection) -> None:
    conn.execute("ALTER TABLE videos ADD COLUMN rank integer, ADD COLUMN score numeric(6, 2)")
    conn.execute("UPDATE videos SET rank = id * 2, score = id / 8.0 WHERE id % 4 = 0")
    conn.execute(
        "INSERT INTO videos (title, page_id, created_at, rank, score)"
        " VALUES ('ranked', 2, now(), 99, 1234.5)"
    )


def _truncate(conn: psycopg.Connection) -> None:
    conn.execute("TRUNCATE insights")
    conn.execute(
        "INSERT INTO insights (video_id, likes, views, created_at)"
        " SELECT id, 3, 4, now() FROM videos WHERE id % 7 = 0"
    )


PHASES: list[tuple[str, Callable[[psycopg.Connection], None]]] = [
    ("inserts", _inserts),
    ("updates", _updates),
    ("deletes", _deletes),
    ("transaction", _transaction),
    ("toast", _toast),
    ("new column", _new_column),
    ("truncate", _truncate),
]


def make_env(
    database_url: str,
    home: Path,
    spec: SourceSpec | None = None,
    sink: SinkSpec | None = None,
) -> SyncEnv:
    """Create the media tables in `database_url` and describe the sync environment."""
    upgrade(database_url)
    return SyncEnv(
        database_url=database_url,
        home=home,
        spec=spec or SourceSpec(),
        slot=f"rb_{uuid.uuid4().hex[:10]}",
        sink=sink or SinkSpec(),
    )


def run_scenario(
    senv: SyncEnv,
    phase_timeout: float = 60,
    while_running: Callable[[SyncEnv, SyncProcess], None] | None = None,
    after: Callable[[SyncEnv], None] | None = None,
) -> dict[str, float]:
    """Run every phase against a live consumer; return seconds until verified per phase.

    `while_running` is called once all phases passed, before the graceful stop; `after`
    once the consumer stopped (before the slot is dropped).
    """
    timings: dict[str, float] = {}
    with senv.connect() as conn:
        seed_media(conn)
    if senv.spec.prepare is not None:
        senv.spec.prepare(senv)
    proc = SyncProcess(senv).start()
    try:
        t0 = time.monotonic()
        # the first wait includes the JVM start and the snapshot
        diffs = assert_verified(senv, phase_timeout + 60, proc, "snapshot: ")
        assert sum(d.source_rows for d in diffs) > 0
        timings["snapshot"] = time.monotonic() - t0
        for name, phase in PHASES:
            with senv.connect() as conn:
                phase(conn)
            t0 = time.monotonic()
            assert_verified(senv, phase_timeout, proc, f"{name}: ")
            timings[name] = time.monotonic() - t0
        if while_running is not None:
            while_running(senv, proc)
        assert proc.terminate() == 0, proc.tail()
        if after is not None:
            after(senv)
    finally:
        proc.kill()
        if senv.spec.cleanup is not None:
            senv.spec.cleanup(senv)
        drop_slot(senv)
    return timings
