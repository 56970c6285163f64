"""The streaming line validator: fast path, every bad-line reason, and the raw COPY reader."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from riverbed.core.errors import DataError
from riverbed.ingestor.dsr.filename import parse_dsr_name
from riverbed.ingestor.dsr.lines import open_dsr, read_chunks, read_raw

GOOD = "abc\tsong\tA|B\tISRC1\t10\t1.5"


def _chunks(rows: list[bytes], block: int = 1 << 20) -> list:  # type: ignore[type-arg]
    data = b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\r\n" + b"".join(
        r + b"\r\n" for r in rows
    )
    return list(read_chunks(io.BytesIO(data), "f.tsv", block))


def test_valid_lines_take_the_fast_path_and_count_missing_fields() -> None:
    rows = [b"a\tt\tx\ti\t1\t2.220446049250313e-16", b"b\t\t\t\t\t", b"c\tt\tx\ti\t\t3"]
    (chunk,) = _chunks(rows)
    assert (chunk.lines, chunk.valid, chunk.issues) == (3, 3, [])
    assert (chunk.missing_usages, chunk.missing_revenue) == (2, 1)
    assert b"\r" not in chunk.data


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"a\tt\tx\ti\t1", "expected 6 tab-separated fields, found 5"),
        (b"a\tt\tx\ti\t1\t2\t3", "expected 6 tab-separated fields, found 7"),
        (b"a\tt\tx\ti\tmany\t2", "usages is not a whole number: 'many'"),
        (b"a\tt\tx\ti\t1.5\t2", "usages is not a whole number: '1.5'"),
        (b"a\tt\tx\ti\t-4\t2", "negative usages '-4'"),
        (b"a\tt\tx\ti\t4\t-2.5", "negative revenue '-2.5'"),
        (b"a\tt\tx\ti\t4\tNaN", "revenue is not a number: 'NaN'"),
        (b"a\tt\tx\ti\t4\t1e", "revenue is not a number: '1e'"),
        (b"a\t\xff\xfe\tx\ti\t4\t1", "invalid UTF-8 at byte 2"),
        (b"\tt\tx\ti\t4\t1", "empty dsp_id"),
        (b"", "expected 6 tab-separated fields, found 1"),
        (b"a\tt\rx\tx\ti\t4\t1", "carriage return inside a field"),
    ],
)
def test_each_malformed_line_is_reported_with_its_number_and_reason(
    raw: bytes, reason: str
) -> None:
    (chunk,) = _chunks([GOOD.encode(), raw, GOOD.encode()])
    assert [(i.line, i.reason) for i in chunk.issues] == [(3, reason)]
    assert chunk.issues[0].raw == raw
    assert (chunk.lines, chunk.valid) == (3, 2)


def test_line_numbers_stay_right_across_blocks() -> None:
    rows = [GOOD.encode()] * 500 + [b"bad"] + [GOOD.encode()] * 10
    chunks = _chunks(rows, block=4096)
    assert len(chunks) > 3
    issues = [i for c in chunks for i in c.issues]
    assert [i.line for i in issues] == [502]
    assert sum(c.lines for c in chunks) == 511


def test_backslashes_are_escaped_for_copy() -> None:
    (chunk,) = _chunks([b"a\tAC\\DC\tx\ti\t1\t2"])
    assert chunk.data == b"a\tAC\\\\DC\tx\ti\t1\t2\n"
    raw = list(
        read_raw(
            io.BytesIO(b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\nA\\B\t\t\t\t1\t2"), "f"
        )
    )
    assert b"".join(d for d, _ in raw) == b"A\\\\B\t\t\t\t1\t2\n"
    assert sum(n for _, n in raw) == 1


def test_a_bad_header_names_the_file_and_line_1() -> None:
    with pytest.raises(DataError, match=r"f\.tsv:1: bad header"):
        list(read_chunks(io.BytesIO(b"id\tname\n1\t2\n"), "f.tsv"))
    with pytest.raises(DataError, match="empty file"):
        list(read_chunks(io.BytesIO(b""), "f.tsv"))


def test_gzip_is_detected_by_magic_and_its_header_name_ignored(tmp_path: Path) -> None:
    target = tmp_path / "Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz"
    with (
        open(target, "wb") as raw,
        gzip.GzipFile("Other_SGAE_NO_NOK_20200101-20200531.tsv", "wb", fileobj=raw) as gz,
    ):
        gz.write(b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\r\n" + GOOD.encode() + b"\r\n")
    with open_dsr(target) as fh:
        assert sum(c.valid for c in read_chunks(fh, str(target))) == 1
    meta = parse_dsr_name(str(target))
    assert (meta.territory, meta.period_end.isoformat()) == ("NO", "2020-01-31")
    plain = tmp_path / "x.tsv"
    plain.write_bytes(b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\n")
    with open_dsr(plain) as fh:
        assert list(read_chunks(fh, "x")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Spotify_SpotifyDuo_NO_NOK_20200101-20200131.tsv.gz",
            ("Spotify", "SpotifyDuo", None, "NO", "NOK"),
        ),
        (
            "Spotify_SpotifyDuo_SGAE_NO_NOK_20200101-20200531.tsv",
            ("Spotify", "SpotifyDuo", "SGAE", "NO", "NOK"),
        ),
    ],
)
def test_file_names_carry_the_metadata(name: str, expected: tuple[str, ...]) -> None:
    m = parse_dsr_name(f"/some/dir/{name}")
    assert (m.dsp, m.commercial_model, m.society, m.territory, m.currency) == expected


@pytest.mark.parametrize(
    "name",
    [
        "report.tsv.gz",
        "Spotify_Duo_NO_NOK_20200131-20200101.tsv.gz",
        "Spotify_Duo_NO_NOK_20201301-20201331.tsv",
    ],
)
def test_bad_file_names_are_refused(name: str) -> None:
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        parse_dsr_name(name)
