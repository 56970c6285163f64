"""Run the Java checks of `connectors/plugin/src/test/java` against a built Connect plugin."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from riverbed.core.javac import compile_once
from riverbed.local._jvm import ensure_jars, find_java
from riverbed.local.connect_plugin import PLUGIN_SOURCES

__all__ = ["TEST_SOURCES", "run_check"]

TEST_SOURCES = PLUGIN_SOURCES.parent / "test" / "java"


def run_check(
    plugin: Path, cache: Path, main_class: str, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Compile the checks (once) and run `main_class` with the plugin and the Kafka jars."""
    classpath = os.pathsep.join([str(plugin), f"{ensure_jars()}/*"])
    checks = compile_once(TEST_SOURCES, classpath, cache, fallback="no Java checks")
    assert checks is not None, "javac is needed to compile the plugin's Java checks"
    return subprocess.run(
        [find_java(), "-cp", os.pathsep.join([str(checks), classpath]), main_class, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
