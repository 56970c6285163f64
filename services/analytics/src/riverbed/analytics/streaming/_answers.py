"""Run q1..q6.sql against the streaming warehouse; metadata lives in each file's header."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from riverbed.analytics.streaming._settings import AnswersSettings
from riverbed.core.duckdb_resources import resource_statements
from riverbed.core.errors import UserInputError

__all__ = ["QUESTIONS", "SQL_DIR", "Answer", "compute_answers"]

SQL_DIR = Path(__file__).resolve().parents[1] / "sql" / "streaming"
QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6")
_META = re.compile(r"^--\s*(question|unit|interpretation):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Answer:
    """One answered question and where its SQL lives."""

    key: str
    question: str
    answer: Any
    unit: str
    interpretation: str
    sql_file: Path

    def as_json(self) -> dict[str, Any]:
        """Return the JSON shape: question, answer, unit, interpretation."""
        data = asdict(self)
        return {k: data[k] for k in ("question", "answer", "unit", "interpretation")}


def _metadata(text: str, path: Path) -> dict[str, str]:
    """Read the `-- question/unit/interpretation:` header of a query file."""
    meta = {k: v.strip() for k, v in _META.findall(text)}
    missing = {"question", "unit", "interpretation"} - set(meta)
    if missing:
        raise UserInputError(f"{path}: header lacks {', '.join(sorted(missing))}")
    return meta


def compute_answers(
    warehouse: Path, as_of: date | None = None, settings: AnswersSettings | None = None
) -> list[Answer]:
    """Answer q1..q6 from the warehouse, as of a date (default: the current versions)."""
    if not warehouse.is_file():
        raise UserInputError(
            f"no streaming warehouse at {warehouse}; run `riverbed streaming load` first"
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise UserInputError(f"cannot open warehouse {warehouse}: {exc}") from exc
    answers = []
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        for stmt in resource_statements(settings or AnswersSettings(), warehouse):
            con.execute(stmt)
        for key in QUESTIONS:
            path = SQL_DIR / f"{key}.sql"
            text = path.read_text(encoding="utf-8")
            meta = _metadata(text, path)
            try:
                row = con.execute(text, {"as_of": as_of}).fetchone()
            except duckdb.CatalogException as exc:
                raise UserInputError(
                    f"{warehouse} is not a streaming warehouse (run `riverbed streaming load`): {exc}"
                ) from exc
            value = row[0] if row else None
            answers.append(
                Answer(key, meta["question"], value, meta["unit"], meta["interpretation"], path)
            )
    finally:
        con.close()
    return answers
