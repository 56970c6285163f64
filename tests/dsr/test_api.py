"""The DSR API: listing, details, uploads, and the top percentile against an independent sum."""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from riverbed.core.migrations import upgrade
from riverbed.ingestor.dsr import import_dsr
from riverbed.ingestor.dsr.fx import import_fx
from tests.dsr.conftest import FX_FILE, make_app, write_dsr


@pytest.fixture
def loaded(db_url: str, shared_dsrs: list[Path]) -> tuple[Flask, FlaskClient]:
    """Return an app and client over the four real DSRs and the shipped ECB rates."""
    upgrade(db_url)
    app = make_app(db_url)
    engine: Engine = app.extensions["riverbed_db"].engine
    import_fx(engine, FX_FILE)
    for path in shared_dsrs:
        assert import_dsr(engine, path).status == "ingested"
    return app, app.test_client()


@pytest.fixture
def empty(sqlite_url: str) -> tuple[Flask, FlaskClient]:
    upgrade(sqlite_url)
    app = make_app(sqlite_url)
    return app, app.test_client()


def _rates() -> dict[str, list[tuple[date, Decimal]]]:
    out: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    with FX_FILE.open() as fh:
        for row in csv.DictReader(fh):
            for code, value in row.items():
                if code and code != "Date" and value:
                    out[code].append((date.fromisoformat(row["Date"]), Decimal(value)))
    return out


def _expected(
    paths: list[Path], number: int, territory: str | None = None, start: date | None = None
) -> list[tuple[str, float, set[int]]]:
    """Recompute the answer from the raw files with plain Python and Decimal."""
    rates = _rates()
    eur: dict[str, Decimal] = defaultdict(Decimal)
    reported: dict[str, set[int]] = defaultdict(set)
    for dsr_id, path in enumerate(paths, start=1):
        _, _, terr, cur, period = path.name.split(".")[0].split("_")
        first, last = (date(int(p[:4]), int(p[4:6]), int(p[6:])) for p in period.split("-"))
        if (territory and terr != territory) or (start and first < start):
            continue
        picked = [r for d, r in rates.get(cur, []) if first <= d <= last]
        rate = Decimal(1) if cur == "EUR" else sum(picked) / len(picked)
        text = gzip.decompress(path.read_bytes()).decode().replace("\r\n", "\n")
        for row in list(csv.reader(io.StringIO(text), delimiter="\t"))[1:]:
            reported[row[0]].add(dsr_id)
            if row[5]:
                eur[row[0]] += Decimal(row[5]) / rate
    total = sum(eur.values())
    threshold = total * number / 100
    ranked = sorted(((v, k) for k, v in eur.items() if v > 0), key=lambda t: (-t[0], t[1]))
    answer = []
    for value, key in ranked:
        above = sum(v for v in eur.values() if v > value)
        if above < threshold:
            answer.append((key, float(value), reported[key]))
    return answer


@pytest.mark.parametrize(
    ("number", "query", "territory", "start"),
    [
        (10, "", None, None),
        (50, "?territory=NO", "NO", None),
        (100, "?period_start=2020-02-01T00:00:00Z", None, date(2020, 2, 1)),
    ],
)
def test_percentile_matches_an_independent_computation(
    loaded: tuple[Flask, FlaskClient],
    shared_dsrs: list[Path],
    number: int,
    query: str,
    territory: str | None,
    start: date | None,
) -> None:
    _, client = loaded
    expected = _expected(shared_dsrs, number, territory, start)
    sep = "&" if query else "?"
    response = client.get(f"/resources/percentile/{number}{query}{sep}limit=10000")
    assert response.status_code == 200
    body = response.get_json()
    assert int(response.headers["X-Total-Count"]) == len(expected) > 0
    assert [r["dsp_id"] for r in body] == [k for k, _, _ in expected]
    for got, (_, revenue, dsrs) in zip(body, expected, strict=True):
        assert got["revenue"] == pytest.approx(revenue, rel=1e-9)
        assert set(got["dsrs"]) == dsrs


def test_dsr_list_details_and_pagination(loaded: tuple[Flask, FlaskClient]) -> None:
    _, client = loaded
    everything = client.get("/dsrs/").get_json()
    assert [d["territory"]["code_2"] for d in everything] == ["NO", "ES", "CH", "GB"]
    first = everything[0]
    assert first["period_start"] == "2020-01-01T00:00:00Z"
    assert first["currency"] == {"name": "Norwegian krone", "code": "NOK"}
    assert first["status"] == "ingested" and first["lines_total"] == 1000
    page = client.get("/dsrs/?limit=2&offset=1")
    assert [d["id"] for d in page.get_json()] == [everything[1]["id"], everything[2]["id"]]
    assert page.headers["X-Total-Count"] == "4"
    assert 'rel="next"' in page.headers["Link"] and "offset=3" in page.headers["Link"]
    assert 'rel="prev"' in page.headers["Link"]
    assert client.get(f"/dsrs/{first['id']}").get_json() == first
    for missing in ("999999", "abc", "-1"):
        response = client.get(f"/dsrs/{missing}")
        assert (response.status_code, response.get_json()) == (404, {"detail": "Not found."})
    assert client.get("/dsrs/?limit=0").status_code == 400


def test_percentile_pagination_walks_the_whole_answer(loaded: tuple[Flask, FlaskClient]) -> None:
    _, client = loaded
    whole = client.get("/resources/percentile/30").get_json()
    pages, offset = [], 0
    while True:
        response = client.get(f"/resources/percentile/30?limit=7&offset={offset}")
        pages += response.get_json()
        if 'rel="next"' not in response.headers.get("Link", ""):
            break
        offset += 7
    assert pages == whole and len(whole) > 7
    past = client.get("/resources/percentile/30?limit=7&offset=100000")
    assert past.get_json() == [] and past.headers["X-Total-Count"] == str(len(whole))


@pytest.mark.parametrize("number", ["0", "101", "-5", "abc", "1.5", "99999999999999999999"])
def test_out_of_range_number_is_a_400(empty: tuple[Flask, FlaskClient], number: str) -> None:
    _, client = empty
    response = client.get(f"/resources/percentile/{number}")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == "number"


def test_percentile_edge_cases_ties_100_and_empty(
    empty: tuple[Flask, FlaskClient], tmp_path: Path
) -> None:
    app, client = empty
    engine = app.extensions["riverbed_db"].engine
    rows = [
        "a\tt\tx\ti\t1\t50",
        "b\tt\tx\ti\t1\t25",
        "c\tt\tx\ti\t1\t25",
        "z\tt\tx\ti\t1\t0",
        "n\tt\tx\ti\t1\t",
    ]
    import_dsr(engine, write_dsr(tmp_path, "Spotify_Duo_ES_EUR_20200101-20200131.tsv.gz", rows))

    def ids(number: int, query: str = "") -> list[str]:
        response = client.get(f"/resources/percentile/{number}{query}")
        assert response.status_code == 200
        return [r["dsp_id"] for r in response.get_json()]

    assert ids(1) == ["a"]
    assert ids(50) == ["a"]  # a alone reaches exactly 50%
    assert ids(51) == ["a", "b", "c"]  # b and c tie at the boundary: both in
    assert ids(100) == ["a", "b", "c"]  # zero and missing revenue never count
    assert ids(100, "?territory=FR") == []
    assert ids(100, "?period_start=2021-01-01") == []
    assert ids(100, "?period_end=2020-01-30") == []  # the DSR ends on the 31st
    assert client.get("/resources/percentile/50?period_start=not-a-date").status_code == 400


def test_a_missing_rate_names_currency_and_period(
    empty: tuple[Flask, FlaskClient], tmp_path: Path
) -> None:
    app, client = empty
    engine = app.extensions["riverbed_db"].engine
    import_dsr(
        engine,
        write_dsr(tmp_path, "Spotify_Duo_NO_NOK_20200101-20200131.tsv.gz", ["a\tt\tx\ti\t1\t5"]),
    )
    response = client.get("/resources/percentile/10")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert "no EUR reference rate for NOK between 2020-01-01 and 2020-01-31" in error["message"]
    assert error["details"]["currency"] == "NOK"
    import_fx(engine, FX_FILE)
    assert client.get("/resources/percentile/10").status_code == 200


def test_upload_uses_the_import_code_path(
    empty: tuple[Flask, FlaskClient], shared_dsrs: list[Path]
) -> None:
    _, client = empty
    path = shared_dsrs[1]

    def post(data: bytes, name: str, query: str = ""):  # type: ignore[no-untyped-def]
        return client.post(
            f"/dsrs{query}",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    created = post(path.read_bytes(), path.name)
    assert created.status_code == 201
    (dsr,) = created.get_json()
    assert (dsr["path"], dsr["status"], dsr["lines_ingested"]) == (path.name, "ingested", 1000)
    again = post(path.read_bytes(), path.name)
    assert again.status_code == 200 and again.get_json()[0]["id"] == dsr["id"]
    bad = post(
        b"dsp_id\ttitle\tartists\tisrc\tusages\trevenue\nx\t\t\t\tmany\t1\n",
        "Spotify_Duo_ES_EUR_20200201-20200229.tsv",
    )
    assert bad.status_code == 422
    assert "line 2: usages is not a whole number" in bad.get_json()["error"]["message"]
    statuses = [d["status"] for d in client.get("/dsrs/").get_json()]
    assert statuses == ["ingested", "failed"]
    assert post(b"x", "report.tsv").status_code == 422
    assert client.post("/dsrs", data={}, content_type="multipart/form-data").status_code == 400
    assert post(path.read_bytes(), path.name, "?policy=bogus").status_code == 400
