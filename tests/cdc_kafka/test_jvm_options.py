"""The local JVM services get the heap and young generation they are built with."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from riverbed.local.connect import LocalConnect
from riverbed.local.kafka import LocalKafka

pytestmark = [pytest.mark.kafka]


def _flags(cmd: list[str]) -> dict[str, int | bool]:
    """Run the command's JVM options with -version; return the heap flags the JVM took."""
    opts = cmd[1 : cmd.index("-cp")]
    out = subprocess.run(
        [cmd[0], *opts, "-XX:+PrintFlagsFinal", "-version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    wanted = {"MaxHeapSize", "MaxNewSize", "UseParallelGC", "UseG1GC"}
    return {
        p[1]: int(p[3]) if p[3].isdigit() else p[3] == "true"
        for p in (ln.split() for ln in out.splitlines())
        if p[1:2] and p[1] in wanted
    }


@pytest.mark.parametrize(("young", "max_young"), [("256m", 256 << 20), ("", None)])
def test_the_connect_worker_jvm_takes_its_young_generation(
    tmp_path: Path, young: str, max_young: int | None
) -> None:
    tmp_path.mkdir(exist_ok=True)
    worker = LocalConnect(tmp_path, "127.0.0.1:1", port=1, heap="1g", young=young)
    flags = _flags(worker.process.java_command())
    assert flags["MaxHeapSize"] == 1 << 30
    assert flags["UseParallelGC"] and not flags["UseG1GC"]
    if max_young is None:  # the collector sizes it: anything below the heap
        assert flags["MaxNewSize"] < flags["MaxHeapSize"] and "-Xmn" not in " ".join(
            worker.process.java_command()
        )
    else:
        assert flags["MaxNewSize"] == max_young


def test_the_broker_keeps_the_low_pause_collector(tmp_path: Path) -> None:
    broker = LocalKafka(tmp_path, port=1)
    flags = _flags(broker.process.java_command())
    assert flags["UseG1GC"] and not flags["UseParallelGC"]
