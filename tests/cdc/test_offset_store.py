"""The embedded engine's offsets file is replaced whole, never rewritten in place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from riverbed.core.settings import load_settings
from riverbed.ingestor.sync.capture import debezium_properties
from riverbed.ingestor.sync.settings import SyncSettings
from riverbed.ingestor.sync.sources import _jvm
from riverbed.ingestor.sync.sources._offsets import read_offsets

KEY = b'["riverbed",{"server":"riverbed"}]'


def _config(path: Path) -> Any:
    import jpype

    props = jpype.JClass("java.util.HashMap")()
    for k, v in {
        "offset.storage.file.filename": str(path),
        "bootstrap.servers": "127.0.0.1:9",  # required by the config, never contacted
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    }.items():
        props.put(k, v)
    return jpype.JClass("org.apache.kafka.connect.runtime.standalone.StandaloneConfig")(props)


def _save(store: Any, value: bytes) -> None:
    import jpype

    buf = jpype.JClass("java.nio.ByteBuffer")
    offsets = jpype.JClass("java.util.HashMap")()
    offsets.put(buf.wrap(KEY), buf.wrap(value))
    store.set(offsets, None).get()


def _load(store: Any) -> bytes:
    import jpype

    buf = jpype.JClass("java.nio.ByteBuffer")
    keys = jpype.JClass("java.util.ArrayList")()
    keys.add(buf.wrap(KEY))
    return bytes(store.get(keys).get().get(buf.wrap(KEY)).array())


def _started(store: Any, path: Path) -> Any:
    store.configure(_config(path))
    store.start()
    return store


def test_offsets_are_replaced_whole_and_read_back_by_kafka(tmp_path: Path) -> None:
    import jpype

    if _jvm.start_jvm(["-Xmx256m"]) is None:
        pytest.fail("no javac: the atomic offset store cannot be compiled")
    util = jpype.JClass("io.debezium.embedded.KafkaConnectUtil")
    path = tmp_path / "offsets.dat"
    store = _started(jpype.JClass(_jvm.ATOMIC_OFFSET_STORE)(), path)
    try:
        _save(store, b'{"lsn":1}')
        first = os.stat(path).st_ino
        _save(store, b'{"lsn":2}')
        # a new file renamed over the old one: a kill leaves the old or the new, never a part
        assert os.stat(path).st_ino != first
        assert read_offsets(path) == {KEY: b'{"lsn":2}'}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["offsets.dat"]
        (partition,) = store.connectorPartitions("riverbed")
        assert {str(k): str(partition.get(k)) for k in partition.keySet()} == {"server": "riverbed"}
    finally:
        store.stop()
    # the same format: Kafka's own store (and a restart of ours) reads it back
    kafka = _started(util.fileOffsetBackingStore(), path)
    try:
        assert _load(kafka) == b'{"lsn":2}'
        before = os.stat(path).st_ino
        _save(kafka, b'{"lsn":3}')
        assert os.stat(path).st_ino == before  # Kafka's rewrites the file in place
    finally:
        kafka.stop()
    again = _started(jpype.JClass(_jvm.ATOMIC_OFFSET_STORE)(), path)
    try:
        assert _load(again) == b'{"lsn":3}'
    finally:
        again.stop()


def test_the_engine_uses_the_atomic_store_when_it_is_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1:5/db")
    props = debezium_properties(load_settings(SyncSettings, home=tmp_path, metrics_port=0))
    kafka = "org.apache.kafka.connect.storage.FileOffsetBackingStore"
    assert props["offset.storage"] == kafka
    assert _jvm._classes_loaded(_jvm.start_jvm(["-Xmx256m"]))
    swapped = _jvm._atomic_offsets(props, True)
    assert swapped["offset.storage"] == _jvm.ATOMIC_OFFSET_STORE
    assert {k: v for k, v in swapped.items() if k != "offset.storage"} == {
        k: v for k, v in props.items() if k != "offset.storage"
    }
    assert _jvm._atomic_offsets(props, False)["offset.storage"] == kafka  # no JDK: Kafka's
