"""Unparseable Kafka messages become dead letters with their raw payload; the stream goes on."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from confluent_kafka import Producer

from riverbed.core.cdc import read_warehouse
from tests.cdc_kafka.pipeline import KafkaPipeline, media_tables
from tests.fixtures.kafka import KafkaCapture

pytestmark = [pytest.mark.kafka]


def test_garbage_goes_to_dead_letters_and_changes_keep_flowing(
    kafka_capture: KafkaCapture, tmp_path: Path
) -> None:
    url = kafka_capture.database_url
    media_tables(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO pages (name, created_at) VALUES ('before', now())")
    kafka_capture.deploy()
    pipe = KafkaPipeline(kafka_capture, tmp_path / "home")
    pipe.start_consumer()
    try:
        assert pipe.verify(wait=90).returncode == 0, pipe.tail()
        topic = f"{kafka_capture.topic_prefix}.public.pages"
        producer = Producer({"bootstrap.servers": kafka_capture.stack.bootstrap_servers})
        producer.produce(topic, key=b'{"id": 999}', value=b"{not json at all")
        producer.produce(topic, key=b'{"id": 998}', value=b'{"op": "x", "source": {}}')
        assert producer.flush(30) == 0
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO pages (name, created_at) VALUES ('after', now())")
            conn.execute("DELETE FROM pages WHERE name = 'before'")  # event + tombstone
        done = pipe.verify(wait=90)
        assert done.returncode == 0, done.stdout + pipe.tail()
    finally:
        assert pipe.stop_consumer() == 0, pipe.tail()
    with read_warehouse(pipe.warehouse) as con:
        rows = con.execute(
            'SELECT topic, table_name, "offset", reason, "key", "value"'
            ' FROM riverbed_sync.dead_letters ORDER BY "offset"'
        ).fetchall()
    assert len(rows) == 2, rows
    (t1, table1, off1, reason1, key1, value1), (_, _, off2, reason2, _, value2) = rows
    assert t1 == topic and table1 == "pages" and off2 == off1 + 1
    assert "not valid JSON" in reason1 and "op" in reason2
    assert bytes(key1) == b'{"id": 999}' and bytes(value1) == b"{not json at all"
    assert bytes(value2) == b'{"op": "x", "source": {}}'
