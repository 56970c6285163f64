"""Riverbed's Connect plugin: the schema-caching converter writes the stock converter's bytes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import requests

from riverbed.core import javac
from riverbed.local._jvm import ensure_jars, find_java
from riverbed.local.connect_plugin import CONVERTER, PLUGIN_SOURCES, build_plugin
from tests.fixtures.kafka import KafkaStackHandle

pytestmark = [pytest.mark.kafka]

PARITY_CHECK = PLUGIN_SOURCES.parent / "test" / "java"


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compile the plugin from its sources into a fresh folder."""
    built = build_plugin(tmp_path_factory.mktemp("plugin"))
    assert built is not None, "javac is needed to build the Connect plugin"
    return built


def test_the_converter_writes_the_stock_json_converters_bytes(plugin: Path, tmp_path: Path) -> None:
    classpath = os.pathsep.join([str(plugin), f"{ensure_jars()}/*"])
    checks = javac.compile_once(PARITY_CHECK, classpath, tmp_path, fallback="no parity check")
    assert checks is not None, "javac is needed to compile the parity check"
    done = subprocess.run(
        [
            find_java(),
            "-cp",
            os.pathsep.join([str(checks), classpath]),
            "riverbed.connect.ConverterParityCheck",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
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
