"""`riverbed dsr import` / `riverbed fx import` end to end, and the DSR generator's shape."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from riverbed.core.cli import root
from riverbed.data.dsr import generate_lines, write_dsr
from riverbed.ingestor.dsr import import_dsr
from riverbed.ingestor.dsr.lines import open_dsr, read_chunks
from riverbed.ingestor.dsr.schema import dsr, fx_rate, usage
from tests.dsr.conftest import FX_FILE
from tests.dsr.conftest import write_dsr as write_small


def test_cli_imports_directories_and_rates(tmp_path: Path, shared_data: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    result = runner.invoke(root, ["dsr", "import", str(shared_data / "dsr"), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert sum(ln.startswith("ingested ") for ln in result.output.splitlines()) == 4
    again = runner.invoke(root, ["dsr", "import", str(shared_data / "dsr"), "--database-url", url])
    assert sum(ln.startswith("skipped (same checksum)") for ln in again.output.splitlines()) == 4
    rates = runner.invoke(root, ["fx", "import", str(FX_FILE), "--database-url", url])
    assert rates.exit_code == 0 and "12 rates for CHF, GBP, NOK, USD" in rates.output
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(usage)) == 4000
        assert conn.scalar(select(func.count()).select_from(fx_rate)) == 12
    engine.dispose()


def test_cli_reports_failures_and_quarantines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    bad = write_small(
        tmp_path,
        "Spotify_Duo_ES_EUR_20200101-20200131.tsv.gz",
        ["a\tt\tx\ti\t1\t2", "b\tt\tx\ti\t-3\t2"],
    )
    runner = CliRunner()
    failed = runner.invoke(root, ["dsr", "import", str(bad), "--database-url", url])
    assert failed.exit_code == 1
    assert f"{bad}: 1 malformed line(s): line 3: negative usages '-3'" in failed.output
    ok = runner.invoke(
        root, ["dsr", "import", str(bad), "--policy", "quarantine", "--database-url", url]
    )
    assert ok.exit_code == 0 and "1 lines, 1 quarantined" in ok.output
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "report.tsv").write_bytes(b"x")
    write_small(odd, "Spotify_Duo_FR_EUR_20200101-20200131.tsv", ["z\tt\tx\ti\t1\t2"])
    mixed = runner.invoke(root, ["dsr", "import", str(odd), "--database-url", url])
    assert mixed.exit_code == 1 and "1 of 2 file(s) failed" in mixed.output
    assert "report.tsv: file name does not match" in mixed.output
    assert any(ln.startswith("ingested ") for ln in mixed.output.splitlines())
    missing = runner.invoke(root, ["dsr", "import", str(tmp_path / "nope"), "--database-url", url])
    assert missing.exit_code == 1 and "no such file or directory" in missing.output
    broken = tmp_path / "rates.csv"
    broken.write_text("Date,NOK,\n2020-01-02,abc,\n")
    bad_fx = runner.invoke(root, ["fx", "import", str(broken), "--database-url", url])
    assert (
        bad_fx.exit_code == 1
        and f"{broken}:2: rate 'abc' is not a number (field 'NOK')" in bad_fx.output
    )


def test_generator_is_deterministic_and_shaped_like_the_real_files(
    tmp_path: Path, sqlite_url: str
) -> None:
    assert list(generate_lines(500, seed=3)) == list(generate_lines(500, seed=3))
    assert list(generate_lines(50, seed=3)) != list(generate_lines(50, seed=4))
    path = write_dsr(
        tmp_path / "Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz", 20_000, seed=1
    )
    same = write_dsr(tmp_path / "again" / path.name, 20_000, seed=1)
    assert same.read_bytes() == path.read_bytes()  # byte-identical: same checksum on re-import
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n") == 20_001
    lines = raw.split(b"\r\n")[1:-1]
    assert len({ln.split(b"\t")[0] for ln in lines}) == 20_000
    assert all(len(ln.split(b"\t")[0]) == 30 for ln in lines)
    with open_dsr(path) as fh:
        chunks = list(read_chunks(fh, str(path)))
    assert sum(c.valid for c in chunks) == 20_000 and not any(c.issues for c in chunks)
    missing_usages = sum(c.missing_usages for c in chunks)
    missing_revenue = sum(c.missing_revenue for c in chunks)
    assert 100 < missing_usages < 400 and 200 < missing_revenue < 600  # ~1.1% and ~1.9%
    # files share a slice of dsp_ids, as the real ones do
    other = write_dsr(
        tmp_path / "Spotify_SpotifyDuo_NO_NOK_20200201-20200229.tsv.gz",
        20_000,
        seed=1,
        salt=2,
        variant=1,
    )
    from riverbed.core.migrations import upgrade
    from riverbed.core.web._db import make_engine

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    assert import_dsr(engine, path).status == import_dsr(engine, other).status == "ingested"
    with engine.connect() as conn:
        shared = conn.execute(
            select(usage.c.dsp_id).group_by(usage.c.dsp_id).having(func.count() == 2)
        ).all()
        assert len(shared) == 400  # 2% of 20,000
        assert conn.scalar(select(func.count()).select_from(dsr)) == 2
    engine.dispose()
