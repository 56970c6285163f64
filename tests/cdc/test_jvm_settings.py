"""The embedded engine's JVM gets the heap and young generation its settings name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from riverbed.core.errors import ConfigurationError
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.settings import SyncSettings


def _settings(home: Path, **overrides: object) -> SyncSettings:
    return load_settings(SyncSettings, home=home, **overrides)


@pytest.mark.parametrize("size", ["0", "3 g", "2gb", "-1g", "1.5g", "big"])
def test_a_bad_jvm_size_is_refused_with_its_value(tmp_path: Path, size: str) -> None:
    with pytest.raises(
        ConfigurationError, match=f"RIVERBED_INGESTOR_JVM_HEAP: .*{size!r} is not a JVM memory size"
    ):
        _settings(tmp_path, jvm_heap=size)


@pytest.mark.parametrize(("heap", "young"), [("1g", "1024m"), ("512m", "1g"), ("2g", "3g")])
def test_a_young_generation_not_below_the_heap_is_refused(
    tmp_path: Path, heap: str, young: str
) -> None:
    with pytest.raises(
        ConfigurationError, match=r"\n  .*RIVERBED_INGESTOR_JVM_YOUNG \(.*\) must be smaller"
    ):
        _settings(tmp_path, jvm_heap=heap, jvm_young=young)


def test_the_environment_sets_the_jvm_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIVERBED_INGESTOR_JVM_HEAP", "1g")
    monkeypatch.setenv("RIVERBED_INGESTOR_JVM_YOUNG", "")
    settings = _settings(tmp_path)
    assert (settings.jvm_heap, settings.jvm_young) == ("1g", "")


_PROBE = """
import json, sys
from riverbed.core.errors import ConfigurationError
from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources import _jvm
from riverbed.ingestor.sync.sources.embedded import jvm_options
import jpype
settings = load_settings(SyncSettings, home=sys.argv[1], jvm_heap=sys.argv[2], jvm_young=sys.argv[3])
_jvm.start_jvm(jvm_options(settings))
mf = jpype.JClass("java.lang.management.ManagementFactory")
bean = mf.getPlatformMXBean(jpype.JClass("com.sun.management.HotSpotDiagnosticMXBean"))
print(json.dumps({
    "max_heap": int(str(bean.getVMOption("MaxHeapSize").getValue())),
    "max_young": int(str(bean.getVMOption("MaxNewSize").getValue())),
    "young_origin": str(bean.getVMOption("MaxNewSize").getOrigin()),
}))
"""


@pytest.mark.parametrize(
    ("heap", "young", "max_young"), [("1g", "512m", 512 << 20), ("640m", "", None)]
)
def test_the_jvm_runs_with_the_configured_heap_and_young_generation(
    tmp_path: Path, heap: str, young: str, max_young: int | None
) -> None:
    # the JVM is process-wide: probe it in a fresh interpreter
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path), heap, young],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    vm = json.loads(run.stdout.strip().splitlines()[-1])
    assert vm["max_heap"] == (1 << 30 if heap == "1g" else 640 << 20)
    if max_young is None:  # G1 sizes it within the heap
        assert vm["young_origin"] != "VM_CREATION" and vm["max_young"] < vm["max_heap"]
    else:
        assert vm["young_origin"] == "VM_CREATION" and vm["max_young"] == max_young
