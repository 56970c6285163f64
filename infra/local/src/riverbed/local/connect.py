"""A Kafka Connect worker in distributed mode (Debezium on its classpath), run with `java -cp`."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import requests

from riverbed.core.errors import ServiceError
from riverbed.local._jvm import PARALLEL_THROUGHPUT, JvmProcess
from riverbed.local._state import read_state
from riverbed.local.connect_plugin import CONVERTER, STOCK_CONVERTER, build_plugin
from riverbed.local.ports import free_port, port_open

__all__ = ["INTERNAL_TOPICS", "LocalConnect"]

log = logging.getLogger(__name__)

INTERNAL_TOPICS = {
    "config": "riverbed-connect-configs",
    "offset": "riverbed-connect-offsets",
    "status": "riverbed-connect-status",
}

_WORKER_PROPERTIES = """\
bootstrap.servers={bootstrap_servers}
group.id={group_id}
listeners=http://127.0.0.1:{port}
rest.advertised.host.name=127.0.0.1
rest.advertised.port={port}
key.converter={converter}
value.converter={converter}
key.converter.schemas.enable=true
value.converter.schemas.enable=true
config.storage.topic={config_topic}
offset.storage.topic={offset_topic}
status.storage.topic={status_topic}
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=1
status.storage.partitions=1
offset.flush.interval.ms=1000
offset.flush.timeout.ms=10000
scheduled.rebalance.max.delay.ms=0
session.timeout.ms=4000
heartbeat.interval.ms=1000
rebalance.timeout.ms=20000
task.shutdown.graceful.timeout.ms=10000
config.providers=env
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
plugin.discovery=service_load
producer.linger.ms=20
producer.batch.size=524288
producer.compression.type=lz4
producer.max.request.size=10485760
"""


class LocalConnect:
    """A distributed-mode Connect worker in `data_dir`, talking to `bootstrap_servers`."""

    def __init__(
        self,
        data_dir: Path,
        bootstrap_servers: str,
        port: int | None = None,
        *,
        group_id: str = "riverbed-connect",
        heap: str = "1g",
        young: str = "",
        gc: tuple[str, ...] = PARALLEL_THROUGHPUT,
        plugin: bool = True,
    ) -> None:
        self.data_dir = data_dir.absolute()
        self.state_file = self.data_dir / "connect.json"
        self.config_file = self.data_dir / "connect-distributed.properties"
        self.bootstrap_servers = bootstrap_servers
        self.group_id = group_id
        saved = read_state(self.state_file)
        self.port: int = port or int(saved.get("port") or 0) or free_port()
        self.plugin = plugin  # Riverbed's converter (connectors/plugin); False: the stock one
        self.process = JvmProcess(
            "connect",
            self.data_dir,
            "org.apache.kafka.connect.cli.ConnectDistributed",
            heap=heap,
            young=young,
            gc=gc,
        )

    @property
    def url(self) -> str:
        """Return the REST API base URL."""
        return f"http://127.0.0.1:{self.port}"

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, env: dict[str, str] | None = None, timeout: float = 120.0) -> LocalConnect:
        """Start the worker (it creates its internal topics) and wait until its REST API is up.

        `env` is passed to the worker so that `${env:NAME}` references in connector configs
        resolve (Kafka's EnvVarConfigProvider).
        """
        if self.is_running():
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if port_open(self.port):
            raise ServiceError(f"cannot start Kafka Connect: port {self.port} is taken")
        plugin = build_plugin() if self.plugin else None
        self.process.classpath = (plugin,) if plugin else ()
        self.config_file.write_text(
            _WORKER_PROPERTIES.format(
                converter=CONVERTER if plugin else STOCK_CONVERTER,
                bootstrap_servers=self.bootstrap_servers,
                group_id=self.group_id,
                port=self.port,
                config_topic=INTERNAL_TOPICS["config"],
                offset_topic=INTERNAL_TOPICS["offset"],
                status_topic=INTERNAL_TOPICS["status"],
            )
        )
        self.state_file.write_text(json.dumps({"port": self.port}))
        (self.data_dir / "connect.env.json").write_text(json.dumps(sorted(env or {})))
        self.process.spawn(str(self.config_file), env=env)
        self.wait_healthy(timeout)
        log.info("kafka connect listening on %s", self.url)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker cleanly (SIGTERM), killing it after `timeout`."""
        self.process.stop(timeout)

    def kill(self) -> None:
        """SIGKILL the worker (fault injection)."""
        self.process.kill()

    def restart(self, env: dict[str, str] | None = None, timeout: float = 120.0) -> LocalConnect:
        """Stop (when running) and start again on the same port."""
        self.stop()
        return self.start(env=env, timeout=timeout)

    def destroy(self) -> None:
        """Kill the worker and delete its files."""
        self.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def pid(self) -> int | None:
        """Return the worker pid, or None when stopped."""
        return self.process.pid()

    def is_running(self) -> bool:
        """Return whether the worker runs and its REST API answers."""
        return self.pid() is not None and self._healthy()

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Block until the worker joined its group and serves /connectors, or raise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise ServiceError(f"kafka connect exited during startup:\n{self.process.tail()}")
            if self._healthy():
                return
            time.sleep(0.3)
        raise ServiceError(
            f"kafka connect on {self.url} not healthy in {timeout:.0f}s\n{self.process.tail()}"
        )

    def _healthy(self) -> bool:
        if not port_open(self.port):
            return False
        try:
            # /health answers 200 only once the worker has started and joined its group.
            health = requests.get(f"{self.url}/health", timeout=5)
            if health.status_code != 200:
                return False
            return requests.get(f"{self.url}/connectors", timeout=5).status_code == 200
        except requests.RequestException:
            return False
