"""`riverbed dev up --kafka`: Postgres, KRaft broker, Connect worker and the applied connector."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from confluent_kafka.admin import AdminClient

from riverbed.core.cli import root
from riverbed.ingestor.connectors import ConnectClient, wait_running
from riverbed.local.connect import INTERNAL_TOPICS

pytestmark = [pytest.mark.kafka]


def test_dev_up_kafka_status_env_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIVERBED_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    try:
        up = runner.invoke(root, ["dev", "up", "--kafka"])
        assert up.exit_code == 0, up.output
        env = runner.invoke(root, ["dev", "env"]).output
        found = dict(re.findall(r"^export (\w+)=(\S+)$", env, re.M))
        assert {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "CONNECT_URL"} <= set(found), env
        status = runner.invoke(root, ["dev", "status"], env={"COLUMNS": "200"}).output
        for service in ("postgres", "kafka", "connect"):
            assert re.search(rf"{service}\s+.\s+running", status), status
        client = ConnectClient(found["CONNECT_URL"])
        assert client.connectors() == ["riverbed-media"]
        assert wait_running(client, "riverbed-media", 60).running
        admin = AdminClient({"bootstrap.servers": found["KAFKA_BOOTSTRAP_SERVERS"]})
        topics = set(admin.list_topics(timeout=10).topics)
        assert set(INTERNAL_TOPICS.values()) <= topics  # created by the distributed worker
        again = runner.invoke(root, ["dev", "up", "--kafka"])  # idempotent
        assert again.exit_code == 0, again.output
    finally:
        down = runner.invoke(root, ["dev", "down"])
        assert down.exit_code == 0, down.output
    status = runner.invoke(root, ["dev", "status"], env={"COLUMNS": "200"}).output
    assert re.search(r"kafka\s+.\s+stopped", status) and re.search(r"connect\s+.\s+stopped", status)
    assert "KAFKA_BOOTSTRAP_SERVERS" not in runner.invoke(root, ["dev", "env"]).output
