"""A SIGTERM that comes while `sync run` is still starting ends it cleanly (exit 0)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from riverbed.local.postgres import PG_BIN
from tests.cdc.harness import SourceSpec, SyncProcess, drop_slot
from tests.cdc.scenario import make_env

pytestmark = [pytest.mark.postgres]

# what `prepare_source` polls while another consumer holds the slot
_SLOT_POLL = "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s AND active"


def _wait_for(conn: psycopg.Connection, query: str, args: tuple[str, ...], what: str) -> None:
    deadline = time.monotonic() + 60
    while conn.execute(query, args).fetchone() is None:
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_sigterm_while_waiting_for_the_slot_exits_cleanly(pg_url: str, tmp_path: Path) -> None:
    senv = make_env(pg_url, tmp_path / "home", SourceSpec("embedded"))
    with senv.connect() as conn:
        conn.execute(f'CREATE PUBLICATION "{senv.slot}" FOR TABLE pages')
        conn.execute("SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", (senv.slot,))
        port, dbname = conn.info.port, conn.info.dbname
    # another consumer streams from the slot: `sync run` waits (up to 30 s) for it to let go
    holder = subprocess.Popen(
        [str(PG_BIN / "pg_recvlogical"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
         "-d", dbname, "--slot", senv.slot, "--start", "-f", "/dev/null",
         "-o", "proto_version=1", "-o", f"publication_names={senv.slot}"],
    )  # fmt: skip
    proc = SyncProcess(senv)
    try:
        with senv.connect() as conn:
            _wait_for(conn, _SLOT_POLL, (senv.slot,), "pg_recvlogical did not take the slot")
            proc.start()
            _wait_for(
                conn,
                "SELECT 1 FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()",
                (_SLOT_POLL.split(" WHERE ")[0] + "%",),  # the server shows $1 for %s
                "sync run did not reach the slot wait",
            )
        assert proc.alive(), proc.tail()
        t0 = time.monotonic()
        assert proc.terminate(timeout=20) == 0, proc.tail()
        assert time.monotonic() - t0 < 10  # it did not sit out the wait
        log = proc.log.read_text()
        assert "sync stopped before it started" in log
        assert "sync started" not in log
    finally:
        proc.kill()
        holder.terminate()
        holder.wait(30)
        drop_slot(senv)
