"""Sources of change events: embedded Debezium, Kafka (and later Pub/Sub)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from riverbed.core.errors import ConfigurationError
from riverbed.ingestor.sync.sources.base import Batch, Source, SourceFactory

__all__ = ["SOURCES", "Batch", "Source", "SourceFactory", "make_source"]

# name -> "module:Class"; each class is built as Class(settings: SyncSettings).
SOURCES: dict[str, str] = {
    "embedded": "riverbed.ingestor.sync.sources.embedded:EmbeddedSource",
    "kafka": "riverbed.ingestor.sync.sources.kafka:KafkaSource",
    "pubsub": "riverbed.ingestor.sync.sources.pubsub:PubSubSource",  # issue 8 (GCP)
}


def make_source(name: str, settings: Any, **kwargs: Any) -> Source:
    """Build the source called `name` from the sync settings."""
    target = SOURCES.get(name)
    if target is None:
        raise ConfigurationError(f"unknown source {name!r}; choose one of {', '.join(SOURCES)}")
    module, _, attr = target.partition(":")
    try:
        cls = getattr(import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"source {name!r} is not available: {exc}") from None
    source: Source = cls(settings, **kwargs)
    return source
