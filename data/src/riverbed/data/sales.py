"""Deterministic USERS and SALES tables for the sales SQL (marketplace transactions).

Besides random sales, a few products are shaped on purpose: "hot" products sold by one merchant
well above 10 a day, a product sold exactly 10 a day (the threshold, not above it), and a hot
product shared by two merchants, so queries about daily rates have clear-cut answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["SalesConfig", "generate_sales"]


@dataclass(frozen=True)
class SalesConfig:
    """Shape of the generated sales."""

    seed: int = 7
    start: date = date(2024, 1, 1)
    days: int = 150
    users: int = 2_000
    merchants: int = 40
    products: int = 400
    random_sales: int = 30_000
    hot_products: int = 4


def _stamp(rng: np.random.Generator, start: date, day: np.ndarray) -> np.ndarray:
    base = np.datetime64(start, "s")
    secs = rng.integers(0, 86_400, size=len(day))
    return base + (day * 86_400 + secs).astype("timedelta64[s]")


def generate_sales(config: SalesConfig | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (USERS, SALES) DataFrames with the upper-case columns of the tables."""
    cfg = config or SalesConfig()
    rng = np.random.default_rng(cfg.seed)
    user_ids = np.arange(1, cfg.users + 1)
    created = np.datetime64(cfg.start, "D") - rng.integers(1, 900, cfg.users).astype(
        "timedelta64[D]"
    )
    users = pd.DataFrame(
        {
            "USER_ID": user_ids,
            "USER_EMAIL": [f"user{u}@example.com" for u in user_ids],
            "DATE_CREATION_PROFILE": created.astype("datetime64[s]"),
            "DATE_LAST_VISIT": (
                np.datetime64(cfg.start, "s")
                + rng.integers(0, cfg.days * 86_400, cfg.users).astype("timedelta64[s]")
            ),
            "NUMBER_OF_VISITS": rng.integers(1, 500, cfg.users),
        }
    )
    n = cfg.random_sales
    parts = [
        pd.DataFrame(
            {
                "PRODUCT_ID": rng.integers(100, 100 + cfg.products, n),
                "USER_ID": rng.choice(user_ids, n, p=_zipf_weights(cfg.users)),
                "MERCHANT_ID": rng.integers(1, cfg.merchants + 1, n),
                "DATE_SALES": _stamp(rng, cfg.start, rng.integers(0, cfg.days, n)),
                "PRICE": np.round(rng.gamma(2.0, 20.0, n) + 1, 2),
            }
        )
    ]
    all_days = np.arange(cfg.days)
    shaped: list[tuple[int, list[int], np.ndarray]] = []
    for k in range(cfg.hot_products):  # one merchant, ~14 a day
        shaped.append((1 + k, [1 + k], rng.poisson(14, cfg.days)))
    shaped.append((50, [9], np.full(cfg.days, 10)))  # exactly 10 a day: not "more than 10"
    shaped.append((51, [10, 11], rng.poisson(14, cfg.days)))  # hot but two merchants
    shaped.append((52, [12], np.where(all_days < cfg.days - 60, 30, 0)))  # hot, then stopped
    for product, merchants, per_day in shaped:
        day = np.repeat(all_days, per_day)
        parts.append(
            pd.DataFrame(
                {
                    "PRODUCT_ID": product,
                    "USER_ID": rng.choice(user_ids, len(day)),
                    "MERCHANT_ID": rng.choice(merchants, len(day)),
                    "DATE_SALES": _stamp(rng, cfg.start, day),
                    "PRICE": np.round(rng.uniform(5, 50, len(day)), 2),
                }
            )
        )
    sales = pd.concat(parts, ignore_index=True)
    sales = sales.sort_values("DATE_SALES", kind="stable").reset_index(drop=True)
    sales.insert(0, "TRANSACTION_ID", np.arange(1, len(sales) + 1))
    return users, sales[
        ["TRANSACTION_ID", "PRODUCT_ID", "USER_ID", "MERCHANT_ID", "DATE_SALES", "PRICE"]
    ]


def _zipf_weights(n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** 0.8
    return w / w.sum()
