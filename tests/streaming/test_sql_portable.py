"""Every streaming .sql file parses as DuckDB and transpiles to BigQuery with sqlglot."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from riverbed.analytics.streaming import SQL_DIR as ANSWERS_DIR
from riverbed.ingestor.streaming._sql import SQL_DIR as LOAD_DIR

FILES = sorted(ANSWERS_DIR.glob("*.sql")) + sorted(LOAD_DIR.glob("*.sql"))
FILL = {
    "table": "dim_author",
    "stage": "stg_author",
    "columns": "author_id, natural_key",
    "hash_expr": "content_hash",
}


def test_all_six_questions_have_a_file() -> None:
    assert [p.name for p in sorted(ANSWERS_DIR.glob("q*.sql"))] == [
        f"q{i}.sql" for i in range(1, 7)
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_transpiles_to_bigquery(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for name, value in FILL.items():
        text = text.replace("{" + name + "}", value)
    out = sqlglot.transpile(
        text,
        read="duckdb",
        write="bigquery",
        error_level=ErrorLevel.RAISE,
        unsupported_level=ErrorLevel.RAISE,
    )
    assert out and all(stmt.strip() for stmt in out)
    if path.parent == ANSWERS_DIR:
        assert "@as_of" in out[0]
