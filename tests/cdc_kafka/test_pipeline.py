"""The Kafka path end to end: snapshot, streaming changes, deletes with tombstones, truncate."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.cdc_kafka.pipeline import KafkaPipeline, media_tables
from tests.fixtures.kafka import KafkaCapture


def test_snapshot_then_changes_reach_duckdb(kafka_capture: KafkaCapture, tmp_path: Path) -> None:
    url = kafka_capture.database_url
    media_tables(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO pages (name, created_at) VALUES ('p1', now()), ('p2', now())")
        conn.execute(
            "INSERT INTO videos (title, page_id, created_at) SELECT 'v' || id, id, now() FROM pages"
        )
    kafka_capture.deploy()
    pipe = KafkaPipeline(kafka_capture, tmp_path / "home")
    pipe.start_consumer()
    try:
        done = pipe.verify(wait=60)
        assert done.returncode == 0, done.stdout + done.stderr + pipe.tail()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO insights (video_id, likes, views, created_at)"
                " SELECT id, 1, 10, now() FROM videos"
            )
            conn.execute("UPDATE videos SET title = 'renamed' WHERE title = 'v1'")
            conn.execute("DELETE FROM pages WHERE name = 'p2'")  # cascades to videos, insights
        done = pipe.verify(wait=60)
        assert done.returncode == 0, done.stdout + done.stderr + pipe.tail()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE insights")
        done = pipe.verify(wait=60)
        assert done.returncode == 0, done.stdout + done.stderr + pipe.tail()
    finally:
        assert pipe.stop_consumer() == 0, pipe.tail()
    status = pipe.sync("status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"table": "videos"' in status.stdout.replace("'", '"')
