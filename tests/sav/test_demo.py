"""The SAV demo step posts its aggregates to the API the demo serves."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console

from riverbed.analytics.sav.demo import step
from riverbed.core.demo import DemoContext
from tests.sav.conftest import Receiver


def test_demo_step_generates_computes_and_posts(tmp_path: Path, receiver: Receiver) -> None:
    out = io.StringIO()
    ctx = DemoContext(home=tmp_path, console=Console(file=out, width=160))
    ctx.values["api_url"] = receiver.url
    ctx.values["sav_messages"] = 5_000
    step.run(ctx)
    text = out.getvalue()
    assert "tickets" in text and "batches delivered" in text and "FR" in text
    engine = sa.create_engine(
        receiver.database_url.replace("postgresql://", "postgresql+psycopg://")
    )
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM sav_metrics")).scalar_one()
    engine.dispose()
    assert stored > 10
