"""The generator's guarantees and the atomic CSV writer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from riverbed.analytics.sav import compute_tickets, write_csv_atomic
from riverbed.data.sav import SAV_COLUMNS, SavConfig, generate_sav_messages


def test_generator_is_deterministic_and_covers_every_case() -> None:
    a = generate_sav_messages(20_000, SavConfig(seed=1))
    b = generate_sav_messages(20_000, SavConfig(seed=1))
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_sav_messages(20_000, SavConfig(seed=2)))
    assert list(a.columns) == SAV_COLUMNS and abs(len(a) - 20_000) < 50
    assert a["message_id"].is_unique
    client = a["sender_user_id"] == a["client_user_id"]
    merchant = a["sender_user_id"] == a["merchant_user_id"]
    assert (~client & ~merchant).mean() > 0.03  # support staff
    first = a.sort_values(["ticket_id", "created_at", "message_id"]).groupby("ticket_id").head(1)
    assert (first["sender_user_id"] == first["merchant_user_id"]).sum() > 100  # merchant first
    assert a.duplicated(["ticket_id", "created_at"]).sum() > 100  # same-timestamp messages
    assert a["created_at"].str.contains(r"[+-]0[1-5]:[03]0$").any()  # offsets other than UTC
    tickets = compute_tickets(a)
    assert 0.5 < tickets["answered"].mean() < 0.95  # unanswered tickets exist
    assert tickets["first_client_at"].isna().sum() > 10  # tickets without a client message


def test_generator_scales_by_chunks() -> None:
    cfg = SavConfig(seed=3, chunk_tickets=500)
    frame = generate_sav_messages(12_000, cfg)
    assert frame["ticket_id"].is_monotonic_increasing and frame["message_id"].is_unique
    assert frame["ticket_id"].nunique() > 2_000


class _Boom:
    def __str__(self) -> str:
        raise RuntimeError("disk full, say")


def test_atomic_writer_replaces_whole_files_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_csv_atomic(pd.DataFrame({"a": [1, 2], "b": [0.5, None]}), target)
    assert target.read_text() == "a,b\n1,0.500\n2,\n"
    with pytest.raises(RuntimeError):
        write_csv_atomic(pd.DataFrame({"a": [1, _Boom()]}), target)
    assert target.read_text() == "a,b\n1,0.500\n2,\n"  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left
