"""The sales SQL (MySQL/MariaDB dialect) over USERS and SALES, shipped as `.sql` files."""

from __future__ import annotations

from importlib.resources import files

__all__ = ["QUERIES", "load_query"]

QUERIES = (
    "sales_volume_per_merchant_month",
    "top_decile_users_per_month",
    "attractive_products_last_3_months",
)


def load_query(name: str) -> str:
    """Return the text of query `name` (one of `QUERIES`), without its trailing semicolon."""
    if name not in QUERIES:
        raise KeyError(f"unknown sales query {name!r}; known: {', '.join(QUERIES)}")
    text = (files(__name__) / f"{name}.sql").read_text(encoding="utf-8")
    return text.strip().rstrip(";")
