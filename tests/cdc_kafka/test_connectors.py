"""`riverbed connectors apply|status|restart|delete` against a real Kafka Connect worker."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from riverbed.core.cli import root
from riverbed.core.errors import UserInputError
from riverbed.ingestor.connectors import (
    DEBEZIUM_POSTGRES,
    RIVERBED_POSTGRES,
    ConnectClient,
    for_worker,
    load_connector,
    wait_running,
)
from riverbed.local.connect_plugin import build_plugin
from tests.cdc_kafka.plugin_java import run_check
from tests.fixtures.kafka import CONNECTOR_FILE, KafkaCapture

pytestmark = [pytest.mark.kafka]

MEDIA_DDL = """
CREATE TABLE pages (id bigserial PRIMARY KEY, name text UNIQUE NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE videos (id bigserial PRIMARY KEY, title text NOT NULL,
                     page_id bigint NOT NULL REFERENCES pages(id),
                     created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE insights (id bigserial PRIMARY KEY, video_id bigint NOT NULL REFERENCES videos(id),
                       likes bigint NOT NULL, views bigint NOT NULL,
                       created_at timestamptz NOT NULL DEFAULT now());
"""


def run(*args: str) -> Result:
    """Run the riverbed CLI in-process."""
    return CliRunner().invoke(root, list(args), catch_exceptions=False)


def sets(capture: KafkaCapture) -> list[str]:
    """Return the --set options giving the test connector its own names and database."""
    out = []
    for key, value in capture.overrides.items():
        out += ["--set", f"{key}={value}"]
    return out


@pytest.fixture
def media_db(kafka_capture: KafkaCapture) -> KafkaCapture:
    """Create the media tables in the test database."""
    with psycopg.connect(kafka_capture.database_url, autocommit=True) as conn:
        conn.execute(MEDIA_DDL)
    return kafka_capture


def test_apply_is_idempotent_and_keeps_secrets_as_references(media_db: KafkaCapture) -> None:
    url = media_db.stack.connect_url
    args = ["connectors", "apply", str(CONNECTOR_FILE), "--connect-url", url]
    args += ["--database-url", media_db.database_url, *sets(media_db)]
    first = run(*args)
    assert first.exit_code == 0, first.output
    assert f"created connector {media_db.name}" in first.output
    assert "RUNNING" in first.output
    second = run(*args)
    assert second.exit_code == 0, second.output
    assert f"updated connector {media_db.name}" in second.output
    client = ConnectClient(url)
    assert client.connectors().count(media_db.name) == 1
    stored = client.config(media_db.name)
    # Connect stores the reference; the EnvVarConfigProvider resolves it in the task only.
    assert stored["database.password"] == "${env:RIVERBED_CDC_PG_PASSWORD}"
    assert stored["database.dbname"] == media_db.overrides["database.dbname"]
    assert stored["plugin.name"] == "pgoutput"
    assert stored["connector.class"] == RIVERBED_POSTGRES  # the local worker has the plugin
    with psycopg.connect(media_db.database_url) as conn:
        pub = conn.execute(
            "SELECT tablename FROM pg_publication_tables WHERE pubname = %s ORDER BY 1",
            (media_db.overrides["publication.name"],),
        ).fetchall()
        slot = conn.execute(
            "SELECT plugin FROM pg_replication_slots WHERE slot_name = %s", (media_db.slot,)
        ).fetchone()
    assert [r[0] for r in pub] == ["cdc_heartbeat", "insights", "pages", "videos"]
    assert slot == ("pgoutput",)

    status = run("connectors", "status", media_db.name, "--connect-url", url)
    assert status.exit_code == 0, status.output
    assert media_db.name in status.output and "0:RUNNING" in status.output


def test_bad_config_is_a_clear_error(media_db: KafkaCapture) -> None:
    url = media_db.stack.connect_url
    args = ["connectors", "apply", str(CONNECTOR_FILE), "--connect-url", url, *sets(media_db)]
    result = CliRunner().invoke(root, [*args, "--set", "snapshot.mode=sometimes"])
    assert result.exit_code == 1
    assert "snapshot.mode" in result.output and "invalid" in result.output
    assert str(CONNECTOR_FILE) in result.output
    assert media_db.name not in ConnectClient(url).connectors()


def test_runtime_failure_shows_in_status(media_db: KafkaCapture) -> None:
    url = media_db.stack.connect_url
    # Validation passes, but the task fails at start: the publication does not exist.
    args = ["connectors", "apply", str(CONNECTOR_FILE), "--connect-url", url, *sets(media_db)]
    args += ["--set", "publication.autocreate.mode=disabled", "--wait", "60"]
    applied = CliRunner().invoke(root, args)
    assert applied.exit_code == 1
    assert f"connector {media_db.name} failed" in applied.output
    status = CliRunner().invoke(root, ["connectors", "status", media_db.name, "--connect-url", url])
    assert status.exit_code == 1
    assert "FAILED" in status.output
    assert "publication" in status.output.lower()


def test_file_errors_name_the_file_line_and_field(tmp_path: Path, media_db: KafkaCapture) -> None:
    url = media_db.stack.connect_url
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "name": "x",\n  "config": {\n    "a": "b",\n  }\n}\n')
    result = CliRunner().invoke(root, ["connectors", "apply", str(broken), "--connect-url", url])
    assert result.exit_code == 1
    assert f"{broken}:5" in result.output and "invalid JSON" in result.output

    literal = tmp_path / "literal.json"
    doc = json.loads(CONNECTOR_FILE.read_text())
    doc["config"]["database.password"] = "hunter2"
    literal.write_text(json.dumps(doc, indent=2))
    result = CliRunner().invoke(root, ["connectors", "apply", str(literal), "--connect-url", url])
    assert result.exit_code == 1
    assert "database.password" in result.output and "${env:NAME}" in result.output
    assert "hunter2" not in result.output


def test_restart_and_delete(media_db: KafkaCapture) -> None:
    url = media_db.stack.connect_url
    media_db.deploy()
    restarted = run("connectors", "restart", media_db.name, "--connect-url", url)
    assert restarted.exit_code == 0, restarted.output
    wait_running(ConnectClient(url), media_db.name, 60)
    deleted = run("connectors", "delete", media_db.name, "--connect-url", url)
    assert deleted.exit_code == 0 and f"deleted connector {media_db.name}" in deleted.output
    assert media_db.name not in ConnectClient(url).connectors()
    again = CliRunner().invoke(root, ["connectors", "delete", media_db.name, "--connect-url", url])
    assert again.exit_code == 1
    assert "HTTP 404" in again.output and media_db.name in again.output
    ok = run("connectors", "delete", media_db.name, "--connect-url", url, "--missing-ok")
    assert ok.exit_code == 0 and "not deployed" in ok.output


def test_a_worker_without_the_connector_class_gets_the_fallback_or_a_clear_error(
    media_db: KafkaCapture, caplog: pytest.LogCaptureFixture
) -> None:
    client = ConnectClient(media_db.stack.connect_url)
    conn = load_connector(CONNECTOR_FILE)
    assert for_worker(conn, client) == conn  # offered: unchanged
    absent = conn.with_overrides({"connector.class": "riverbed.connect.NotInstalled"})
    swapped = for_worker(absent, client, {"riverbed.connect.NotInstalled": DEBEZIUM_POSTGRES})
    assert swapped.config == {**absent.config, "connector.class": DEBEZIUM_POSTGRES}
    assert "lacks riverbed.connect.NotInstalled" in caplog.text
    with pytest.raises(UserInputError, match="does not offer") as err:
        for_worker(absent, client)
    assert str(CONNECTOR_FILE) in str(err.value) and DEBEZIUM_POSTGRES in str(err.value)

    url = media_db.stack.connect_url
    args = ["connectors", "apply", str(CONNECTOR_FILE), "--connect-url", url, *sets(media_db)]
    result = CliRunner().invoke(root, [*args, "--set", "connector.class=com.example.Missing"])
    assert result.exit_code == 1
    assert "com.example.Missing" in result.output and "does not offer" in result.output
    assert media_db.name not in client.connectors()


def _streaming_metrics(pid: int, server: str, tmp_path: Path) -> dict[str, str]:
    """Read Debezium's streaming metrics of `server` from the worker's JVM over JMX."""
    plugin = build_plugin()
    assert plugin is not None, "javac is needed to build the Connect plugin"
    done = run_check(plugin, tmp_path, "riverbed.connect.LastEventProbe", str(pid), server)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


def test_riverbeds_connector_counts_every_event_with_a_brief_last_event(
    media_db: KafkaCapture, tmp_path: Path
) -> None:
    media_db.deploy()
    with psycopg.connect(media_db.database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pages (name) SELECT 'p' || g FROM generate_series(1, 40) g")
    pid = media_db.stack.connect.pid()
    assert pid is not None
    deadline = time.monotonic() + 60
    metrics = _streaming_metrics(pid, media_db.topic_prefix, tmp_path)
    while int(metrics["TotalNumberOfCreateEventsSeen"]) < 40 and time.monotonic() < deadline:
        time.sleep(0.5)
        metrics = _streaming_metrics(pid, media_db.topic_prefix, tmp_path)
    # Debezium still counts every event (the heartbeat table's first row is one more create);
    # the summary of the last one is only its table's name, not its formatted position and key
    assert int(metrics["TotalNumberOfCreateEventsSeen"]) in (40, 41)
    assert metrics["LastEvent"] in ("public.pages", "public.cdc_heartbeat")


def test_unreachable_connect_is_a_clear_error() -> None:
    result = CliRunner().invoke(
        root, ["connectors", "status", "--connect-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    assert "Kafka Connect at http://127.0.0.1:9 is unreachable" in result.output
