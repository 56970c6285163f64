"""A single-node Apache Kafka broker in KRaft mode (broker + controller), run with `java -cp`."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from pathlib import Path

from riverbed.core.errors import ServiceError
from riverbed.local._jvm import JvmProcess
from riverbed.local._state import read_state
from riverbed.local.ports import free_port, port_open

__all__ = ["LocalKafka"]

log = logging.getLogger(__name__)

_SERVER_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={log_dir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
log.retention.hours=168
log.segment.bytes=268435456
num.network.threads=2
num.io.threads=4
"""


class LocalKafka:
    """A KRaft broker+controller keeping its data in `data_dir`, on 127.0.0.1 free ports."""

    def __init__(self, data_dir: Path, port: int | None = None, *, heap: str = "768m") -> None:
        self.data_dir = data_dir.absolute()
        self.state_file = self.data_dir / "kafka.json"
        self.log_dir = self.data_dir / "logs"
        self.config_file = self.data_dir / "server.properties"
        saved = read_state(self.state_file)
        self.port: int = port or int(saved.get("port") or 0) or free_port()
        self.controller_port: int = int(saved.get("controller_port") or 0) or free_port()
        self.cluster_id: str = str(saved.get("cluster_id") or "") or _new_cluster_id()
        self.process = JvmProcess("kafka", self.data_dir, "kafka.Kafka", heap=heap)

    @property
    def bootstrap_servers(self) -> str:
        """Return the `host:port` clients connect to."""
        return f"127.0.0.1:{self.port}"

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> LocalKafka:
        """Format storage when new, start the broker and wait until it serves metadata."""
        if self.is_running():
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if port_open(self.port) or port_open(self.controller_port):
            raise ServiceError(
                f"cannot start Kafka: port {self.port} or {self.controller_port} is taken "
                f"(state in {self.state_file})"
            )
        self._write_config()
        if not (self.log_dir / "meta.properties").exists():
            self._format()
        self._write_state()
        self.process.spawn(str(self.config_file))
        self.wait_healthy(timeout)
        log.info("kafka listening on %s (%s)", self.bootstrap_servers, self.data_dir)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the broker down cleanly (SIGTERM), killing it after `timeout`."""
        self.process.stop(timeout)

    def kill(self) -> None:
        """SIGKILL the broker (fault injection)."""
        self.process.kill()

    def restart(self, timeout: float = 90.0) -> LocalKafka:
        """Stop (when running) and start again on the same ports and data."""
        self.stop()
        return self.start(timeout)

    def destroy(self) -> None:
        """Kill the broker and delete its data."""
        import shutil

        self.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def pid(self) -> int | None:
        """Return the broker pid, or None when stopped."""
        return self.process.pid()

    def is_running(self) -> bool:
        """Return whether the broker process runs and its listener accepts connections."""
        return self.pid() is not None and port_open(self.port)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        """Block until the broker answers a metadata request, or raise ServiceError."""
        from confluent_kafka.admin import AdminClient

        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise ServiceError(f"kafka exited during startup:\n{self.process.tail()}")
            if port_open(self.port):
                try:
                    admin = AdminClient(
                        {"bootstrap.servers": self.bootstrap_servers, "log_level": 0}
                    )
                    meta = admin.list_topics(timeout=5)
                    if meta.brokers:
                        return
                except Exception as exc:
                    last = exc
            time.sleep(0.2)
        raise ServiceError(
            f"kafka on {self.bootstrap_servers} not healthy in {timeout:.0f}s: {last}\n"
            f"{self.process.tail()}"
        )

    # ---- internals -------------------------------------------------------------------------
    def _format(self) -> None:
        """Format the KRaft log directory (kafka-storage format) with our cluster id."""
        formatter = JvmProcess("kafka-storage", self.data_dir, "kafka.tools.StorageTool")
        formatter.run(
            "format",
            f"--cluster-id={self.cluster_id}",  # ids may start with "-"
            f"--config={self.config_file}",
            "--ignore-formatted",
        )

    def _write_config(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(
            _SERVER_PROPERTIES.format(
                port=self.port, controller_port=self.controller_port, log_dir=self.log_dir
            )
        )

    def _write_state(self) -> None:
        state = {
            "port": self.port,
            "controller_port": self.controller_port,
            "cluster_id": self.cluster_id,
        }
        self.state_file.write_text(json.dumps(state))


def _new_cluster_id() -> str:
    """Return a Kafka cluster id: 16 random bytes, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
