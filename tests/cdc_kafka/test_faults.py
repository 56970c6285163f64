"""Fault injection on the Kafka path: SIGKILL the consumer, the Connect worker and the broker at
random points of a 50,000-change workload, restart Postgres once; nothing is lost or duplicated.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from riverbed.ingestor.connectors import wait_running
from riverbed.local import LocalPostgres
from tests.cdc_kafka.pipeline import KafkaPipeline, media_tables
from tests.cdc_kafka.workload import MediaWorkload
from tests.fixtures.kafka import KafkaCapture

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

log = logging.getLogger(__name__)

CHANGES = 50_000
SLOW_RATE = 250.0  # changes/s while faults are injected
FAST_RATE = 5_000.0  # changes/s after the last fault


def test_sigkill_anything_nothing_lost_nothing_duplicated(
    kafka_capture: KafkaCapture, pg_server: LocalPostgres, tmp_path: Path
) -> None:
    stack = kafka_capture.stack
    url = kafka_capture.database_url
    media_tables(url)
    MediaWorkload(url, changes=2_000, rate=1e9, seed=1).start().join(120)  # for the snapshot
    kafka_capture.deploy()
    pipe = KafkaPipeline(kafka_capture, tmp_path / "home")
    pipe.start_consumer()
    rnd = random.Random(20261124)

    def kill_consumer() -> None:
        pipe.kill_consumer()
        time.sleep(rnd.uniform(0.1, 1.0))
        pipe.start_consumer()

    def kill_connect() -> None:
        stack.connect.kill()
        time.sleep(rnd.uniform(0.2, 1.5))
        stack.restart_connect()

    def kill_broker() -> None:
        stack.kafka.kill()
        time.sleep(rnd.uniform(0.2, 1.5))
        stack.kafka.start()

    def restart_postgres() -> None:
        pg_server.stop(mode="fast")
        time.sleep(rnd.uniform(0.2, 1.0))
        pg_server.start()

    faults: dict[str, Callable[[], None]] = {
        "consumer": kill_consumer,
        "connect": kill_connect,
        "broker": kill_broker,
        "postgres": restart_postgres,
    }
    # Several rounds; the workload runs slowly until the last fault, then at full speed, so
    # every fault lands in the middle of the 50,000 changes whatever the machine's speed.
    plan = ["consumer", "postgres", "connect", "broker", "consumer", "connect", "broker"]
    workload = MediaWorkload(url, changes=CHANGES, rate=SLOW_RATE, seed=2).start()
    injected: list[tuple[str, int]] = []
    try:
        for name in plan:
            if workload.finished.wait(rnd.uniform(0.5, 3.0)):
                break
            injected.append((name, workload.done))
            log.info("fault: %s after %d changes", name, workload.done)
            faults[name]()
        workload.rate = FAST_RATE
        workload.join(300)
        log.info("workload done: %d changes, faults %s", workload.done, injected)
        assert pipe.consumer is not None and pipe.consumer.poll() is None, pipe.tail()
        wait_running(kafka_capture.client, kafka_capture.name, 120)
        result = pipe.verify(wait=180)
        assert result.returncode == 0, result.stdout + result.stderr + pipe.tail()
    finally:
        pipe.stop_consumer()
    kinds = Counter(name for name, _ in injected)
    assert {"consumer", "connect", "broker", "postgres"} <= set(kinds), injected
    assert kinds["postgres"] == 1 and len(injected) == len(plan), injected
    assert all(0 < done < CHANGES for _, done in injected), injected
    assert workload.done >= CHANGES
    assert pipe.changelog_duplicates() == {"pages": 0, "videos": 0, "insights": 0}
