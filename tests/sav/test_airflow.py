"""The Airflow DAG, in Airflow's own virtualenv: DagBag loads it, `dag.test()` runs it for real."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from riverbed.data.sav import SavConfig, write_sav_csv
from tests.conftest import IN_CI, ROOT
from tests.sav.conftest import Receiver

VENV_PYTHON = ROOT / ".riverbed" / "airflow-venv" / "bin" / "python"
TEMPLATE = ROOT / ".riverbed" / "airflow-template"
DAGS = ROOT / "services" / "analytics" / "dags"


def _run_dag(tmp_path: Path, logical: str, env: dict[str, str], *extra: str) -> dict[str, object]:
    if not VENV_PYTHON.exists() or not (TEMPLATE / "airflow.db").exists():
        msg = "Airflow's virtualenv is missing: run `make install` (bootstrap.d/60-airflow.sh)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    home = tmp_path / "airflow-home"
    shutil.copytree(TEMPLATE, home)
    full_env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "RIVERBED_ANALYTICS_SAV_RETRY_DELAY_SECONDS": "1",
        **env,
    }
    proc = subprocess.run(
        [
            str(VENV_PYTHON),
            str(Path(__file__).with_name("_airflow_check.py")),
            str(DAGS),
            logical,
            *extra,
        ],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:] + proc.stdout[-2000:]
    result: dict[str, object] = json.loads(lines[-1][len("RESULT ") :])
    return result


def test_dag_loads_and_runs_one_day_idempotently(tmp_path: Path, receiver: Receiver) -> None:
    data = tmp_path / "messages.csv"
    write_sav_csv(data, 6_000, SavConfig(seed=11, days=3))
    out = tmp_path / "out"
    env = {
        "RIVERBED_ANALYTICS_SAV_SOURCE": f"csv:{data}",
        "RIVERBED_ANALYTICS_SAV_OUT_DIR": str(out),
        "RIVERBED_ANALYTICS_SAV_POST_URL": f"{receiver.url}/sav/metrics",
        "RIVERBED_ANALYTICS_SAV_POST_BACKOFF_SECONDS": "0.01",
    }
    # logical date 2024-05-03 (midnight, daily cron): the run covers the day that ended, 05-02
    result = _run_dag(tmp_path, "2024-05-03T00:00:00", env, "--twice")
    assert result["import_errors"] == {}
    assert result["tasks"] == ["compute", "post"]
    assert result["retries"] == {"compute": 3, "post": 3}
    assert str(result["state"]).endswith("success"), result
    assert str(result["rerun_state"]).endswith("success"), result
    day_dir = out / "2024-05-02"
    tickets = pd.read_csv(day_dir / "sav_tickets.csv")
    assert len(tickets) > 0 and tickets["first_client_at"].str.startswith("2024-05-02").all()
    entries = len(pd.read_csv(day_dir / "sav_by_country.csv")) + len(
        pd.read_csv(day_dir / "sav_by_merchant.csv")
    )
    engine = sa.create_engine(
        receiver.database_url.replace("postgresql://", "postgresql+psycopg://")
    )
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT count(*), min(period), max(period) FROM sav_metrics")
        ).one()
        batches = conn.execute(sa.text("SELECT count(*) FROM sav_metric_batches")).scalar_one()
    engine.dispose()
    assert tuple(stored) == (entries, "2024-05-02", "2024-05-02")
    assert batches == math.ceil(entries / 10)  # the rerun re-sent the same keys: replayed
    assert len(receiver.flaky.attempts) == batches
    assert min(receiver.flaky.attempts.values()) >= 2  # every batch was posted by both runs
