"""A mixed insert/update/delete workload on the media tables that survives Postgres restarts."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field

import psycopg

__all__ = ["MediaWorkload"]

log = logging.getLogger(__name__)


@dataclass
class MediaWorkload:
    """Apply about `changes` row changes in transactions of ~`tx_size`, at `rate` changes/s.

    Counts rows the database reported as changed (cascaded deletes not included). Connection
    loss (a Postgres restart) is retried; a transaction whose outcome is unknown is simply
    not counted: the test compares the source with the mirror, not with this count.
    """

    url: str
    changes: int = 50_000
    tx_size: int = 200
    rate: float = 2_000.0
    seed: int = 7
    done: int = 0
    errors: int = 0
    finished: threading.Event = field(default_factory=threading.Event)
    _pages: list[int] = field(default_factory=list)
    _videos: list[int] = field(default_factory=list)
    _insights: list[int] = field(default_factory=list)
    _thread: threading.Thread | None = None
    _failure: BaseException | None = None

    def start(self) -> MediaWorkload:
        """Run the workload in a background thread."""
        self._thread = threading.Thread(target=self._run, name="workload", daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: float) -> None:
        """Wait for the workload to finish; re-raise its failure."""
        assert self._thread is not None
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"workload not finished after {timeout}s ({self.done} changes)")
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # reported by join()
            self._failure = exc
        finally:
            self.finished.set()

    def _loop(self) -> None:
        rnd = random.Random(self.seed)
        started = time.monotonic()
        serial = 0
        conn: psycopg.Connection | None = None
        while self.done < self.changes:
            ahead = self.done / self.rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.url, connect_timeout=5)
                serial += 1
                with conn.transaction():
                    self.done += self._transaction(conn, rnd, serial)
            except psycopg.OperationalError as exc:
                self.errors += 1
                if self.errors > 200:
                    raise
                log.info("workload: connection lost (%s); retrying", exc)
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.5)
        if conn is not None:
            conn.close()

    def _transaction(self, conn: psycopg.Connection, rnd: random.Random, serial: int) -> int:
        n = self.tx_size
        changed = 0
        cur = conn.cursor()
        names = [f"page-{self.seed}-{serial}-{i}" for i in range(max(1, n // 20))]
        rows = cur.execute(
            "INSERT INTO pages (name, created_at) SELECT unnest(%s::text[]), now() RETURNING id",
            (names,),
        ).fetchall()
        pages = [r[0] for r in rows]
        changed += len(pages)
        owners = [rnd.choice(self._pages + pages) for _ in range(n // 5)]
        titles = [f"video {serial}.{i} " + "x" * rnd.randint(0, 40) for i in range(len(owners))]
        rows = cur.execute(
            "INSERT INTO videos (title, page_id, created_at)"
            " SELECT unnest(%s::text[]), unnest(%s::bigint[]), now() RETURNING id",
            (titles, owners),
        ).fetchall()
        videos = [r[0] for r in rows]
        changed += len(videos)
        targets = [rnd.choice(self._videos + videos) for _ in range(n * 3 // 10)]
        rows = cur.execute(
            "INSERT INTO insights (video_id, likes, views, created_at)"
            " SELECT unnest(%s::bigint[]), 0, 0, now() RETURNING id",
            (targets,),
        ).fetchall()
        insights = [r[0] for r in rows]
        changed += len(insights)
        pool = self._insights + insights
        hot = list({rnd.choice(pool) for _ in range(n * 3 // 10)})
        cur.execute(
            "UPDATE insights SET likes = likes + 1, views = views + 7 WHERE id = ANY(%s)", (hot,)
        )
        changed += max(cur.rowcount, 0)
        renamed = list({rnd.choice(self._videos + videos) for _ in range(n // 20)})
        cur.execute("UPDATE videos SET title = title || '!' WHERE id = ANY(%s)", (renamed,))
        changed += max(cur.rowcount, 0)
        gone = list({rnd.choice(pool) for _ in range(n // 10)})
        cur.execute("DELETE FROM insights WHERE id = ANY(%s)", (gone,))
        changed += max(cur.rowcount, 0)
        gone_set = set(gone)
        dropped_videos: list[int] = []
        if self._videos and serial % 5 == 0:
            dropped_videos = [rnd.choice(self._videos)]
            cur.execute("DELETE FROM videos WHERE id = ANY(%s)", (dropped_videos,))
            changed += max(cur.rowcount, 0)
        # Remember ids only once the transaction is about to commit (the caller commits).
        self._pages += pages
        self._videos = [v for v in self._videos + videos if v not in dropped_videos]
        self._insights = [i for i in pool if i not in gone_set][-20_000:]
        return changed
