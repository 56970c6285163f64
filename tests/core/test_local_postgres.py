"""The embedded Postgres helper starts a logical-decoding cluster on TCP."""

from __future__ import annotations

from pathlib import Path

from riverbed.local import LocalPostgres


def test_server_has_logical_wal_on_tcp(pg_server: LocalPostgres) -> None:
    with pg_server.connect() as conn:
        assert conn.execute("SHOW wal_level").fetchone() == ("logical",)
        assert conn.execute("SELECT inet_server_port()").fetchone() == (pg_server.port,)


def test_fresh_database_is_empty(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        n = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert n == (0,)


def test_settings_override_the_command_line_defaults(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path / "pg", settings={"shared_buffers": "64MB", "work_mem": "7MB"})
    try:
        pg.start()
        with pg.connect() as conn:
            assert conn.execute("SHOW shared_buffers").fetchone() == ("64MB",)
            assert conn.execute("SHOW work_mem").fetchone() == ("7MB",)
            assert conn.execute("SHOW wal_level").fetchone() == ("logical",)
    finally:
        pg.destroy()
