"""The sales SQL on a real MariaDB server, checked against an independent pandas computation."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from riverbed.analytics.sql.sales import QUERIES, load_query
from riverbed.data.sales import SalesConfig, generate_sales
from riverbed.local.mariadb import LocalMariaDB

AS_OF = "2024-05-30"
DDL = [
    """CREATE TABLE USERS (USER_ID BIGINT PRIMARY KEY, USER_EMAIL VARCHAR(255) NOT NULL,
       DATE_CREATION_PROFILE DATETIME NOT NULL, DATE_LAST_VISIT DATETIME NOT NULL,
       NUMBER_OF_VISITS INT NOT NULL)""",
    """CREATE TABLE SALES (TRANSACTION_ID BIGINT PRIMARY KEY, PRODUCT_ID BIGINT NOT NULL,
       USER_ID BIGINT NOT NULL, MERCHANT_ID BIGINT NOT NULL, DATE_SALES DATETIME NOT NULL,
       PRICE DECIMAL(12, 2) NOT NULL, KEY ix_sales_date (DATE_SALES))""",
]


@pytest.fixture(scope="module")
def sales_db(mariadb_server: LocalMariaDB) -> Iterator[tuple[Any, pd.DataFrame, pd.DataFrame]]:
    users, sales = generate_sales(SalesConfig())
    mariadb_server.create_database("sales_sql")
    conn = mariadb_server.connect("sales_sql")
    with conn.cursor() as cur:
        for ddl in DDL:
            cur.execute(ddl)
        for name, frame in (("USERS", users), ("SALES", sales)):
            cols = list(frame.columns)
            rows = [tuple(_py(v) for v in r) for r in frame.itertuples(index=False)]
            cur.executemany(
                f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
                rows,
            )
    try:
        yield conn, users, sales
    finally:
        conn.close()
        mariadb_server.drop_database("sales_sql")


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _run(conn: Any, name: str) -> pd.DataFrame:
    with conn.cursor() as cur:
        cur.execute("SET @as_of_date = %s", (AS_OF,))
        cur.execute(load_query(name))
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(list(cur.fetchall()), columns=cols)


def test_every_query_file_loads() -> None:
    for name in QUERIES:
        assert load_query(name).upper().lstrip().startswith(("SELECT", "WITH", "--"))
    with pytest.raises(KeyError):
        load_query("nope")


def test_sales_volume_per_merchant_month(sales_db: Any) -> None:
    conn, _users, sales = sales_db
    got = _run(conn, "sales_volume_per_merchant_month")
    month = sales["DATE_SALES"].dt.strftime("%Y-%m")
    expected = (
        sales.assign(SALES_MONTH=month)
        .groupby(["MERCHANT_ID", "SALES_MONTH"])
        .agg(SALES_VOLUME=("PRICE", "sum"), TRANSACTIONS=("PRICE", "size"))
        .reset_index()
    )
    assert len(got) == len(expected)
    merged = got.merge(expected, on=["MERCHANT_ID", "SALES_MONTH"], suffixes=("", "_pd"))
    assert len(merged) == len(expected)
    assert np.allclose(merged["SALES_VOLUME"].astype(float), merged["SALES_VOLUME_pd"], atol=0.01)
    assert (merged["TRANSACTIONS"] == merged["TRANSACTIONS_pd"]).all()


def test_top_decile_users_every_month(sales_db: Any) -> None:
    conn, users, sales = sales_db
    got = _run(conn, "top_decile_users_per_month")
    monthly = (
        sales.assign(SALES_MONTH=sales["DATE_SALES"].dt.strftime("%Y-%m"))
        .groupby(["SALES_MONTH", "USER_ID"], as_index=False)["PRICE"]
        .sum()
        .sort_values(["SALES_MONTH", "PRICE", "USER_ID"], ascending=[True, False, True])
    )
    keep = []
    for _month, group in monthly.groupby("SALES_MONTH"):  # oracle: a plain loop per month
        keep.append(group.head(math.ceil(len(group) * 0.1)))
    expected = pd.concat(keep)
    assert got["SALES_MONTH"].nunique() == monthly["SALES_MONTH"].nunique() == 5
    assert list(zip(got["SALES_MONTH"], got["USER_ID"], strict=True)) == list(
        zip(expected["SALES_MONTH"], expected["USER_ID"], strict=True)
    )
    assert np.allclose(got["VOLUME"].astype(float), expected["PRICE"], atol=0.01)
    emails = users.set_index("USER_ID")["USER_EMAIL"]
    assert (got["USER_EMAIL"] == got["USER_ID"].map(emails)).all()


def test_attractive_products_of_the_last_3_months(sales_db: Any) -> None:
    conn, _users, sales = sales_db
    got = _run(conn, "attractive_products_last_3_months")
    end = pd.Timestamp(AS_OF)
    start = end - pd.DateOffset(months=3)
    days = (end - start).days
    recent = sales[(sales["DATE_SALES"] >= start) & (sales["DATE_SALES"] < end)]
    per_product = recent.groupby("PRODUCT_ID").agg(
        merchants=("MERCHANT_ID", "nunique"),
        merchant=("MERCHANT_ID", "min"),
        units=("MERCHANT_ID", "size"),
    )
    expected = per_product[(per_product["merchants"] == 1) & (per_product["units"] > 10 * days)]
    assert sorted(got["PRODUCT_ID"]) == sorted(expected.index)
    assert set(got["PRODUCT_ID"]) >= {1, 2, 3, 4}  # the hot single-merchant products
    assert 50 not in set(got["PRODUCT_ID"])  # exactly 10 a day is not more than 10
    assert 51 not in set(got["PRODUCT_ID"])  # two merchants
    assert (got["DAYS_IN_WINDOW"] == days).all()
    by_product = got.set_index("PRODUCT_ID")
    for product, row in expected.iterrows():
        assert by_product.loc[product, "MERCHANT_ID"] == row["merchant"]
        assert by_product.loc[product, "UNITS_SOLD"] == row["units"]
