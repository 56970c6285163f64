"""Generated data -> `riverbed sav run` -> CSV files + POSTs to the real receiver, exactly once."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from click.testing import CliRunner

from riverbed.core.cli import root
from tests.sav.conftest import Receiver

FAST = {
    "RIVERBED_ANALYTICS_SAV_POST_BACKOFF_SECONDS": "0.01",
    "RIVERBED_ANALYTICS_SAV_POST_TIMEOUT_SECONDS": "2",  # the slow first answers take 3 s
    "RIVERBED_HOME": "/tmp",
}


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(root, list(args), env=FAST, catch_exceptions=False)
    return result.exit_code, result.output


def _stored(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        frame = pd.read_sql("SELECT * FROM sav_metrics", conn)
        batches = conn.execute(sa.text("SELECT count(*) FROM sav_metric_batches")).scalar_one()
    engine.dispose()
    frame.attrs["batches"] = batches
    return frame


def test_generate_run_and_post_every_entry_exactly_once(tmp_path: Path, receiver: Receiver) -> None:
    data = tmp_path / "messages.csv"
    code, out = _cli("sav", "generate", "--out", str(data), "--messages", "20000", "--seed", "9")
    assert code == 0, out
    code, out = _cli(
        "sav",
        "run",
        "--source",
        f"csv:{data}",
        "--out",
        str(tmp_path / "out"),
        "--post-url",
        f"{receiver.url}/sav/metrics",
    )
    assert code == 0, out
    by_country = pd.read_csv(tmp_path / "out" / "sav_by_country.csv", keep_default_na=False)
    by_merchant = pd.read_csv(tmp_path / "out" / "sav_by_merchant.csv")
    tickets = pd.read_csv(tmp_path / "out" / "sav_tickets.csv")
    assert list(tickets.columns) == [
        "ticket_id",
        "country",
        "merchant_id",
        "first_client_at",
        "first_merchant_at",
        "dt_seconds",
        "exch_nr",
        "answered",
    ]
    assert by_country["tickets"].sum() == len(tickets) == by_merchant["tickets"].sum()
    assert by_country["answered"].sum() == (tickets["answered"]).sum()
    n_entries = len(by_country) + len(by_merchant)
    assert len(receiver.flaky.kinds) == 3, receiver.flaky.kinds  # every kind of failure happened
    assert 1 < receiver.flaky.max_in_flight <= 4  # concurrent, but bounded (default 4)

    stored = _stored(receiver.database_url)
    assert len(stored) == n_entries  # each entry once, even after injected failures
    assert stored.attrs["batches"] == math.ceil(n_entries / 10)
    assert sorted(stored["batch_key"].value_counts().tolist())[-1] == 10  # batches of exactly 10
    fr = stored[(stored["dimension"] == "country") & (stored["key"] == "FR")].iloc[0]
    csv_fr = by_country.set_index("country").loc["FR"]
    assert fr["tickets"] == csv_fr["tickets"] and fr["answered"] == csv_fr["answered"]
    assert abs(fr["mean_dt_seconds"] - csv_fr["mean_dt_seconds"]) < 1e-3
    assert set(stored["period"]) == {"all"}
    assert "replayed" in out and f"{math.ceil(n_entries / 10)}/" in out

    # Running the same job again re-sends the same batches: all replayed, nothing doubled.
    code, out = _cli(
        "sav",
        "run",
        "--source",
        f"csv:{data}",
        "--out",
        str(tmp_path / "out"),
        "--post-url",
        f"{receiver.url}/sav/metrics",
    )
    assert code == 0 and f"{math.ceil(n_entries / 10)} replayed" in out, out
    again = _stored(receiver.database_url)
    assert len(again) == n_entries and again.attrs["batches"] == stored.attrs["batches"]


def test_a_day_is_posted_under_its_own_period(tmp_path: Path, receiver: Receiver) -> None:
    data = tmp_path / "messages.csv"
    _cli("sav", "generate", "--out", str(data), "--messages", "3000", "--days", "3")
    code, out = _cli(
        "sav",
        "run",
        "--source",
        f"csv:{data}",
        "--date",
        "2024-05-02",
        "--out",
        str(tmp_path / "day"),
        "--post-url",
        f"{receiver.url}/sav/metrics",
    )
    assert code == 0, out
    tickets = pd.read_csv(tmp_path / "day" / "sav_tickets.csv")
    assert tickets["first_client_at"].str.startswith("2024-05-02").all()
    stored = _stored(receiver.database_url)
    assert set(stored["period"]) == {"2024-05-02"}
    assert stored[stored["dimension"] == "country"]["tickets"].sum() == len(tickets)


def test_undeliverable_batches_are_reported_and_saved(tmp_path: Path, receiver: Receiver) -> None:
    data = tmp_path / "messages.csv"
    _cli("sav", "generate", "--out", str(data), "--messages", "500")
    result = CliRunner().invoke(
        root,
        [
            "sav",
            "run",
            "--source",
            f"csv:{data}",
            "--out",
            str(tmp_path / "o"),
            "--post-url",
            f"{receiver.url}/no-such-route",
        ],
        env=FAST,
    )
    assert result.exit_code == 1
    assert "not delivered" in result.output and "HTTP 404" in result.output
    failed = json.loads((tmp_path / "o" / "sav_post_failures.json").read_text())
    assert failed and all(f["attempts"] == 1 for f in failed)  # a 404 is not retried
    assert sum(len(f["entries"]) for f in failed) == len(
        pd.read_csv(tmp_path / "o" / "sav_by_country.csv")
    ) + len(pd.read_csv(tmp_path / "o" / "sav_by_merchant.csv"))
    assert (tmp_path / "o" / "sav_tickets.csv").exists()  # the CSV files are kept


def test_bad_input_fails_cleanly_naming_the_line(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(
        "message_id,ticket_id,created_at,sender_user_id,client_user_id,merchant_id,"
        "merchant_user_id,country\n1,1,2024-13-45T00:00:00Z,1,1,2,3,FR\n"
    )
    result = CliRunner().invoke(
        root, ["sav", "run", "--source", f"csv:{data}", "--out", str(tmp_path / "o")], env=FAST
    )
    assert result.exit_code == 1
    assert f"{data}:2" in result.output and "created_at" in result.output
    assert not (tmp_path / "o" / "sav_tickets.csv").exists()
