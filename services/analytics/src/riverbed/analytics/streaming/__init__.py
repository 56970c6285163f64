"""The six business answers of the streaming app, computed from `.sql` files."""

from riverbed.analytics.streaming._answers import SQL_DIR, Answer, compute_answers
from riverbed.analytics.streaming._settings import AnswersSettings

__all__ = ["DEFAULT_WAREHOUSE_NAME", "SQL_DIR", "Answer", "AnswersSettings", "compute_answers"]

DEFAULT_WAREHOUSE_NAME = "streaming.duckdb"
