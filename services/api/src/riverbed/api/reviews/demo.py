"""Demo step: load the reviews into the demo database and query them over HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import requests
from rich.table import Table
from sqlalchemy import text

from riverbed.api.reviews._load import load_source
from riverbed.api.reviews._readers import Source, open_source
from riverbed.core.demo import DemoContext, DemoStep
from riverbed.core.web._db import make_engine
from riverbed.data.reviews import generate_reviews

__all__ = ["find_dump", "step"]

DUMP = Path("reviews") / "reviews_Musical_Instruments_5.json.gz"


def find_dump() -> Path | None:
    """Locate the shared dump (RIVERBED_SHARED_DATA, or ../shared/data beside the checkout)."""
    roots = (
        [Path(os.environ["RIVERBED_SHARED_DATA"])] if "RIVERBED_SHARED_DATA" in os.environ else []
    )
    here = Path.cwd().resolve()
    roots += [here.parent / "shared" / "data", here.parent.parent / "shared" / "data"]
    return next((r / DUMP for r in roots if (r / DUMP).is_file()), None)


def _source() -> Source:
    dump = find_dump()
    if dump is not None:
        return open_source(dump)
    rows = ((i, row) for i, row in enumerate(generate_reviews(5000, seed=1), 1))
    return Source("generated(rows=5000)", rows, 5000, "rows")


def _run(ctx: DemoContext) -> None:
    source = _source()
    result = load_source(source, ctx.values["database_url"])
    ctx.console.print(
        f"loaded {source.label}: inserted {result.inserted:,}, "
        f"already stored {result.already_stored:,}"
    )
    api = ctx.values["api_url"]
    busiest = _busiest(ctx.values["database_url"])
    calls: list[tuple[str, dict[str, str]]] = [
        (f"/products/{busiest[0]}/reviews/summary", {}),
        (f"/products/{busiest[0]}/reviews/summary", {"from": "2013-01-01", "to": "2014-01-01"}),
        (f"/reviewers/{busiest[1]}/reviews/summary", {}),
        (f"/products/{busiest[0]}/reviews/summary", {"from": "2014-01-01", "to": "2013-01-01"}),
        ("/products/B000NOPE00/reviews/summary", {}),
    ]
    view = Table(title="Reviews API")
    for col in ("request", "status", "answer"):
        view.add_column(col)
    for path, params in calls:
        resp = requests.get(api + path, params=params, timeout=10)
        body: dict[str, Any] = resp.json()
        answer = (
            {k: body[k] for k in ("review_count", "average_rating", "rating_histogram")}
            if resp.ok
            else body["error"]["message"]
        )
        query = "&".join(f"{k}={v}" for k, v in params.items())
        view.add_row(path + (f"?{query}" if query else ""), str(resp.status_code), str(answer))
    ctx.console.print(view)
    ctx.values["reviews_loaded"] = result.inserted + result.already_stored


def _busiest(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ids = []
            for col in ("productID", "reviewerID"):
                sql = f'SELECT "{col}" FROM reviews GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1'
                ids.append(str(conn.execute(text(sql)).scalar_one()))
            return ids[0], ids[1]
    finally:
        engine.dispose()


step = DemoStep("reviews", 60, "Load the Amazon reviews and query the Reviews API", _run)
