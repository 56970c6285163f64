"""Riverbed's Connect plugin: the schema-caching converter writes the stock converter's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from riverbed.core import javac
from riverbed.ingestor.connectors import RIVERBED_POSTGRES
from riverbed.local.connect_plugin import CONVERTER, build_plugin
from tests.cdc_kafka.plugin_java import run_check
from tests.fixtures.kafka import KafkaStackHandle

pytestmark = [pytest.mark.kafka]


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compile the plugin from its sources into a fresh folder."""
    built = build_plugin(tmp_path_factory.mktemp("plugin"))
    assert built is not None, "javac is needed to build the Connect plugin"
    return built


def test_the_converter_writes_the_stock_json_converters_bytes(plugin: Path, tmp_path: Path) -> None:
    done = run_check(plugin, tmp_path, "riverbed.connect.ConverterParityCheck")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(ln.startswith("same bytes: ") for ln in lines) == 5, done.stdout
    assert int(lines[-1].split()[1]) > 4 * 180 + 120  # every event, header and round trip checked


def test_the_plugin_is_built_once_per_content(plugin: Path) -> None:
    marker = plugin / ".built"
    stamp = marker.stat().st_mtime_ns
    assert build_plugin(plugin.parent) == plugin
    assert marker.stat().st_mtime_ns == stamp
    assert (plugin / "riverbed" / "connect" / "SchemaCachingJsonConverter.class").exists()
    service = plugin / "META-INF" / "services" / "org.apache.kafka.connect.storage.Converter"
    assert CONVERTER in service.read_text()
    # the connector, and the shared Java (libs/core) it installs
    connectors = (
        plugin / "META-INF" / "services" / "org.apache.kafka.connect.source.SourceConnector"
    )
    assert RIVERBED_POSTGRES in connectors.read_text()
    assert (plugin / "riverbed" / "debezium" / "BriefEventSummary.class").exists()


def test_without_javac_the_worker_falls_back_to_the_stock_converter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(javac, "find_javac", lambda: None)
    assert build_plugin(tmp_path) is None
    assert "stock JsonConverter" in caplog.text
    assert not any(tmp_path.iterdir())


def test_the_local_worker_runs_the_plugin_converter(kafka_stack: KafkaStackHandle) -> None:
    plugins = requests.get(
        f"{kafka_stack.connect_url}/connector-plugins",
        params={"connectorsOnly": "false"},
        timeout=30,
    ).json()
    assert CONVERTER in {p["class"] for p in plugins}
    config = kafka_stack.connect.config_file.read_text()
    assert f"value.converter={CONVERTER}" in config and f"key.converter={CONVERTER}" in config
