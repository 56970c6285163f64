"""The six business answers of the streaming app, computed from `.sql` files."""

from riverbed.analytics.streaming._answers import SQL_DIR, Answer, compute_answers

__all__ = ["DEFAULT_WAREHOUSE_NAME", "SQL_DIR", "Answer", "compute_answers"]

DEFAULT_WAREHOUSE_NAME = "streaming.duckdb"
