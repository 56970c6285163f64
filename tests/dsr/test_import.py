"""Importing DSRs on SQLite and Postgres: real files, atomicity, no-op, replacement, bad lines."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from riverbed.ingestor.dsr import RejectPolicy, import_dsr
from riverbed.ingestor.dsr.schema import dsr, reject, usage
from riverbed.ingestor.dsr.stats import resource_metadata
from tests.dsr.conftest import write_dsr

NAME = "Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz"
# empty usages / revenue per real file, from ../shared/data/dsr/SOURCE.md
MISSING = {"NO": (13, 22), "ES": (10, 18), "CH": (7, 14), "GB": (11, 21)}


def _count(engine: Engine, table, **where: object) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(table)
    for key, value in where.items():
        stmt = stmt.where(table.c[key] == value)
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def _resources(engine: Engine) -> set[str]:
    """Return the resources stored: the distinct dsp_ids of the usage lines."""
    with engine.connect() as conn:
        return set(conn.scalars(select(usage.c.dsp_id).distinct()))


def test_the_real_files_are_ingested_with_every_quirk_accounted_for(
    engine: Engine, shared_dsrs: list[Path]
) -> None:
    results = [import_dsr(engine, p) for p in shared_dsrs]
    assert [r.status for r in results] == ["ingested"] * 4
    assert all(
        (r.lines_total, r.lines_ingested, r.lines_rejected) == (1000, 1000, 0) for r in results
    )
    with engine.connect() as conn:
        rows = conn.execute(select(dsr).order_by(dsr.c.id)).all()
        for row in rows:
            assert (row.lines_missing_usages, row.lines_missing_revenue) == MISSING[
                row.territory_code
            ]
        # the gzip header names a different file and period: the outer name wins
        assert next((r.period_start.isoformat(), r.period_end.isoformat()) for r in rows) == (
            "2020-01-01",
            "2020-01-31",
        )
        assert _count(engine, usage) == 4000
        assert len(_resources(engine)) == 3751  # distinct dsp_ids across the four files
        # scientific notation kept as a number (ES file)
        tiny = conn.scalar(select(func.min(usage.c.revenue)).where(usage.c.revenue > 0))
        assert 0 < float(tiny) < 1e-15
        # empty usages/revenue are NULL ("not reported"), never 0
        assert conn.scalar(select(func.count()).where(usage.c.usages.is_(None))) == 41
        assert conn.scalar(select(func.count()).where(usage.c.revenue.is_(None))) == 75


def test_same_dsp_id_with_other_metadata_keeps_the_first_non_empty_values(
    engine: Engine, tmp_path: Path
) -> None:
    first = write_dsr(tmp_path, NAME, ["r1\tFirst title\t\tISRC1\t1\t1", "r2\tOnly\tX\tI2\t1\t1"])
    second = write_dsr(
        tmp_path / "b" if (tmp_path / "b").mkdir() is None else tmp_path,
        "Spotify_SpotifyDuo_NO_NOK_20200201-20200229.tsv.gz",
        ["r1\tOther title\tSome artist\tISRC9\t2\t2"],
    )
    assert import_dsr(engine, first).status == "ingested"
    assert import_dsr(engine, second).status == "ingested"
    with engine.connect() as conn:
        meta = resource_metadata(conn, ["r1", "r2"])
    assert meta["r1"] == {"title": "First title", "artists": "Some artist", "isrc": "ISRC1"}
    assert meta["r2"] == {"title": "Only", "artists": "X", "isrc": "I2"}


def test_reimporting_the_same_file_is_a_no_op(engine: Engine, tmp_path: Path) -> None:
    path = write_dsr(tmp_path, NAME, ["a\tt\tx\ti\t1\t2", "b\tt\tx\ti\t3\t4"])
    first = import_dsr(engine, path)
    again = import_dsr(engine, path)
    assert (again.skipped, again.dsr_id, again.lines_ingested) == (True, first.dsr_id, 2)
    assert _count(engine, dsr) == 1 and _count(engine, usage) == 2


def test_a_corrected_file_replaces_the_old_one_and_its_orphans(
    engine: Engine, tmp_path: Path
) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir(), new_dir.mkdir()
    other = write_dsr(
        tmp_path, "Spotify_SpotifyDuo_NO_NOK_20200201-20200229.tsv.gz", ["shared\tt\tx\ti\t5\t5"]
    )
    old = write_dsr(old_dir, NAME, ["gone\tt\tx\ti\t1\t1", "shared\tt\tx\ti\t1\t1"])
    new = write_dsr(new_dir, NAME, ["kept\tt\tx\ti\t7\t7", "shared\tt\tx\ti\t2\t2"])
    import_dsr(engine, other)
    first = import_dsr(engine, old)
    second = import_dsr(engine, new)
    assert second.status == "ingested" and second.dsr_id != first.dsr_id
    assert _count(engine, dsr, id=first.dsr_id) == 0
    assert _count(engine, usage, dsr_id=first.dsr_id) == 0
    assert _resources(engine) == {
        "kept",
        "shared",
    }  # "gone" had no usage left; "shared" is still reported


@pytest.mark.parametrize("crlf", [True, False])
def test_a_malformed_line_fails_the_file_and_keeps_what_was_stored(
    engine: Engine, tmp_path: Path, crlf: bool
) -> None:
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    good = write_dsr(good_dir, NAME, ["a\tt\tx\ti\t1\t2"])
    assert import_dsr(engine, good).status == "ingested"
    bad = write_dsr(
        tmp_path,
        NAME,
        ["b\tt\tx\ti\t1\t2", "c\tt\tx\ti\tlots\t2", "d\tt\tx\ti\t1", "e\tt\tx\ti\t-1\t2"],
        crlf=crlf,
    )
    result = import_dsr(engine, bad, display_path=str(bad))
    assert result.status == "failed"
    assert result.error is not None
    for fragment in (
        NAME,
        "3 malformed line(s)",
        "line 3: usages is not a whole number: 'lots'",
        "line 4: expected 6 tab-separated fields, found 5",
        "line 5: negative usages '-1'",
    ):
        assert fragment in result.error
    with engine.connect() as conn:
        failed = conn.execute(select(dsr).where(dsr.c.id == result.dsr_id)).one()
        assert (failed.status, failed.lines_total, failed.lines_rejected) == ("failed", 4, 3)
        assert failed.error == result.error
    assert _count(engine, usage, dsr_id=result.dsr_id) == 0  # no partial rows
    assert _count(engine, usage) == 1  # the earlier DSR is untouched
    assert _resources(engine) == {"a"}


def test_quarantine_keeps_valid_lines_and_the_raw_bad_ones(engine: Engine, tmp_path: Path) -> None:
    path = write_dsr(
        tmp_path, NAME, [b"a\tt\tx\ti\t1\t2", b"b\t\xff\tx\ti\t1\t2", b"c\tt\tx\ti\t3\t4"]
    )
    result = import_dsr(engine, path, policy=RejectPolicy.QUARANTINE)
    assert (result.status, result.lines_total, result.lines_ingested, result.lines_rejected) == (
        "ingested",
        3,
        2,
        1,
    )
    with engine.connect() as conn:
        (row,) = conn.execute(select(reject).where(reject.c.dsr_id == result.dsr_id)).all()
    assert (row.line_no, row.reason, bytes(row.raw)) == (
        3,
        "invalid UTF-8 at byte 2",
        b"b\t\xff\tx\ti\t1\t2",
    )
    assert _count(engine, usage, dsr_id=result.dsr_id) == 2


def test_a_dsp_id_reported_twice_fails_the_file(engine: Engine, tmp_path: Path) -> None:
    path = write_dsr(tmp_path, NAME, ["a\tt\tx\ti\t1\t2", "a\tt\tx\ti\t3\t4"])
    result = import_dsr(engine, path)
    assert result.status == "failed"
    assert "the same dsp_id is reported on several lines" in (result.error or "")
    assert _count(engine, usage) == 0 and _resources(engine) == set()


def test_a_truncated_gzip_fails_cleanly(engine: Engine, tmp_path: Path) -> None:
    path = write_dsr(tmp_path, NAME, [f"r{i}\tt\tx\ti\t{i}\t{i}.5" for i in range(5000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = import_dsr(engine, path)
    assert result.status == "failed"
    assert "corrupt or truncated gzip" in (result.error or "")
    assert _count(engine, usage) == 0


def test_a_failed_file_then_fixed_leaves_one_ingested_dsr(engine: Engine, tmp_path: Path) -> None:
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = write_dsr(bad_dir, NAME, ["a\tt\tx\ti\tx\t2"])
    good = write_dsr(tmp_path, NAME, ["a\tt\tx\ti\t1\t2"])
    assert import_dsr(engine, bad).status == "failed"
    assert import_dsr(engine, bad).status == "failed"
    assert _count(engine, dsr, status="failed") == 1  # a retry replaces the earlier failure
    assert import_dsr(engine, good).status == "ingested"
    with engine.connect() as conn:
        assert conn.execute(select(dsr.c.status)).scalars().all() == ["ingested"]


def test_unknown_territory_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    from riverbed.core.errors import DataError

    path = write_dsr(tmp_path, "Spotify_Duo_ZZ_EUR_20200101-20200131.tsv", ["a\tt\tx\ti\t1\t2"])
    with pytest.raises(DataError, match="unknown territory 'ZZ'"):
        import_dsr(engine, path)


def test_postgres_fast_path_refusal_falls_back_to_line_reports(
    pg_engine: Engine, tmp_path: Path
) -> None:
    # accepted by COPY's bigint parser but not by the validator
    path = write_dsr(tmp_path, NAME, ["a\tt\tx\ti\t 12\t2", "b\tt\tx\ti\t1\tInfinity"])
    result = import_dsr(pg_engine, path)
    assert result.status == "failed"
    assert "line 2: usages is not a whole number: ' 12'" in (result.error or "")
    assert "line 3: revenue is not a number: 'Infinity'" in (result.error or "")
    with pg_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM dsr_usage")) == 0


def test_plain_tsv_and_gz_copies_of_the_real_file_agree(
    engine: Engine, shared_dsrs: list[Path], tmp_path: Path
) -> None:
    plain = tmp_path / shared_dsrs[0].name.removesuffix(".gz")
    with gzip.open(shared_dsrs[0], "rb") as src, plain.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    result = import_dsr(engine, plain)
    assert (result.status, result.lines_ingested) == ("ingested", 1000)
