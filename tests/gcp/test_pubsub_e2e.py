"""Pub/Sub end to end: media API writes -> Debezium Server -> pstest -> sync run -> BigQuery.

Debezium Server is the real Maven Central distribution; the consumer is `riverbed sync run
--source pubsub --sink bigquery`; BigQuery is the emulator. Checked: snapshot, the four media
API tasks over HTTP, every scenario phase verified, a consumer SIGKILLed mid-stream, two
consumers sharing the subscription (scale-out), and an unparseable message going to the
dead-letter topic.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from google.cloud import pubsub_v1  # type: ignore[attr-defined]

from riverbed.api.server import ApiSettings, start_background
from riverbed.api.tasks import run_tasks
from riverbed.ingestor.sync.capture import prepare_source
from riverbed.ingestor.sync.sinks.bigquery import BigQuerySink
from riverbed.ingestor.sync.sources.pubsub import PubSubSettings, ensure_topology
from riverbed.ingestor.sync.verify import TableDiff, verify_tables
from riverbed.local.bigquery import LocalBigQuery
from riverbed.local.debezium_server import DebeziumServer
from riverbed.local.pubsub import LocalPubSub
from tests.cdc.harness import SourceSpec, SyncEnv, SyncProcess, drop_slot, plain_url
from tests.cdc.scenario import PHASES, make_env, seed_media
from tests.fixtures.gcp import bigquery_env, sink_from_env

pytestmark = [pytest.mark.postgres]

PROJECT = "riverbed-local"


def _verified(senv: SyncEnv, sink: BigQuerySink, timeout: float, *procs: SyncProcess) -> None:
    deadline = time.monotonic() + timeout
    diffs: list[TableDiff] = []
    while time.monotonic() < deadline:
        diffs = verify_tables(senv.settings, sink)
        if diffs and all(d.ok for d in diffs):
            return
        for p in procs:
            assert p.alive(), f"sync run exited:\n{p.tail()}"
        time.sleep(0.5)
    tails = "\n".join(p.tail() for p in procs)
    raise AssertionError(f"not verified in {timeout:.0f}s: {diffs}\n{tails}")


def _debezium_env(senv: SyncEnv, emu: LocalPubSub, topic: str) -> dict[str, str]:
    info = psycopg.conninfo.conninfo_to_dict(plain_url(senv.database_url))
    return {
        "RIVERBED_PUBSUB_EMULATOR_ADDRESS": emu.emulator_host,
        "RIVERBED_PUBSUB_PROJECT": PROJECT,
        "RIVERBED_PUBSUB_TOPIC": topic,
        "RIVERBED_CDC_PG_HOST": str(info.get("host") or "127.0.0.1"),
        "RIVERBED_CDC_PG_PORT": str(info.get("port") or 5432),
        "RIVERBED_CDC_PG_USER": str(info.get("user") or "postgres"),
        "RIVERBED_CDC_PG_PASSWORD": str(info.get("password") or ""),
        "RIVERBED_CDC_PG_DATABASE": str(info.get("dbname")),
        "RIVERBED_CDC_SLOT": senv.slot,
        "RIVERBED_CDC_PUBLICATION": senv.slot,
        "RIVERBED_CDC_PUBLICATION_AUTOCREATE": "disabled",
        "RIVERBED_CDC_TABLES": "public.pages,public.videos,public.insights",
        "RIVERBED_PUBSUB_DELIVERY_TIMEOUT_MS": "20000",  # a stuck publish: exit and restart
    }


def _workload(senv: SyncEnv, stop: threading.Event) -> None:
    with senv.connect() as conn:
        i = 0
        while not stop.is_set() and i < 30:
            i += 1
            conn.execute(
                "INSERT INTO insights (video_id, likes, views, created_at)"
                " SELECT id, %s, %s, now() FROM videos ORDER BY id LIMIT 5",
                (i, i * 10),
            )
            conn.execute("UPDATE insights SET likes = likes + 1 WHERE id %% 40 = %s", (i % 40,))
            time.sleep(0.1)


# Stalls seen before came from the transport: Pub/Sub orders per key only, so a TRUNCATE (no
# key) could arrive after newer rows and one key's changes could arrive reversed (collapse()
# now orders by LSN); ordering keys are now unique per table. Under load the Java publisher in
# Debezium Server sometimes loses a batch ("Attempted to publish batch with zero messages",
# like googleapis/java-pubsub#2377): the publish timeout fails the engine and the supervisor
# restarts it (4 of 8 runs at load 4-6 went through that, all passed). One rerun is a safety
# net on a fresh pipeline.
@pytest.mark.flaky(reruns=1)
def test_debezium_server_pubsub_to_bigquery(
    pg_url: str,
    tmp_path: Path,
    pubsub_emulator: LocalPubSub,
    bigquery_emulator: LocalBigQuery,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not DebeziumServer.available():
        pytest.fail("Debezium Server missing: run infra/local/bootstrap.d/63-debezium-server.sh")
    tag = uuid.uuid4().hex[:8]
    ps = PubSubSettings(
        project=PROJECT,
        topic=f"cdc-{tag}",
        subscription=f"cdc-{tag}-consumer",
        dead_letter=f"cdc-{tag}-dead-letter",
        max_delivery_attempts=50,  # redeliveries must not dead-letter changes
    )
    env = {
        "PUBSUB_EMULATOR_HOST": pubsub_emulator.emulator_host,
        "RIVERBED_INGESTOR_PUBSUB_PROJECT": ps.project,
        "RIVERBED_INGESTOR_PUBSUB_TOPIC": ps.topic,
        "RIVERBED_INGESTOR_PUBSUB_SUBSCRIPTION": ps.subscription,
        "RIVERBED_INGESTOR_PUBSUB_DEAD_LETTER": ps.dead_letter,
        "RIVERBED_INGESTOR_PUBSUB_LINGER_S": "0.2",
        **bigquery_env(bigquery_emulator, f"e2e_{tag}"),
    }
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator.emulator_host)
    topology = ensure_topology(ps)
    dead_sub = f"projects/{PROJECT}/subscriptions/{ps.dead_letter}-inspect"
    subscriber = pubsub_v1.SubscriberClient()
    subscriber.create_subscription(request={"name": dead_sub, "topic": topology["dead_letter"]})

    senv = make_env(pg_url, tmp_path / "home", SourceSpec("pubsub", env=env))
    with senv.connect() as conn:
        seed_media(conn)
    prepare_source(senv.settings)
    dbz = DebeziumServer(tmp_path / "dbz", _debezium_env(senv, pubsub_emulator, ps.topic))
    sink = sink_from_env(env)
    procs: list[SyncProcess] = []
    try:
        dbz.start()
        procs.append(SyncProcess(senv).start())
        _verified(senv, sink, 240, *procs)  # JVM start + snapshot through Pub/Sub
        # the media API writes: the four tasks over HTTP against the captured database
        api = start_background(ApiSettings(database_url=pg_url, port=0, log_json=False))
        try:
            tasks = run_tasks(api.url, echo=lambda _line: None)
        finally:
            api.stop()
        _verified(senv, sink, 90, *procs)
        assert tasks.deleted_video_id is not None
        for name, phase in PHASES:
            with senv.connect() as conn:
                phase(conn)
            try:
                _verified(senv, sink, 90, *procs)
            except AssertionError as exc:
                raise AssertionError(f"phase {name}: {exc}\n{dbz.tail()}") from None

        # Kill the consumer mid-stream, then restart as two instances on one subscription.
        stop = threading.Event()
        writer = threading.Thread(target=_workload, args=(senv, stop), daemon=True)
        writer.start()
        time.sleep(2)
        procs[0].kill()
        time.sleep(1)
        second = dataclasses.replace(senv, home=tmp_path / "home2")
        procs = [SyncProcess(senv).start(), SyncProcess(second).start()]
        writer.join(60)
        stop.set()
        _verified(senv, sink, 180, *procs)
        applied = [p.applied() for p in procs]
        assert sum(applied) > 0, applied

        # An unparseable message: dead-lettered (topic + sink), the stream goes on.
        ordered = pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
        publisher = pubsub_v1.PublisherClient(publisher_options=ordered)
        publisher.publish(topology["topic"], b"{not json", ordering_key="x").result(30)
        with senv.connect() as conn:
            conn.execute("INSERT INTO pages (name, created_at) VALUES ('after poison', now())")
        _verified(senv, sink, 60, *procs)
        deadline = time.monotonic() + 30
        received: list[bytes] = []
        while not received and time.monotonic() < deadline:
            resp = subscriber.pull(subscription=dead_sub, max_messages=10, timeout=5)
            received = [m.message.data for m in resp.received_messages]
        assert received == [b"{not json"]
        assert any(bytes(d["value"]) == b"{not json" for d in sink.dead_letters())
        for p in procs:
            assert p.terminate() == 0, p.tail()
    finally:
        for p in procs:
            p.kill()
        dbz.stop()
        sink.close()
        subscriber.close()
        drop_slot(senv)
