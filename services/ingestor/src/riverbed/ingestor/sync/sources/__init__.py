"""Sources of change events: embedded Debezium, Kafka (and later Pub/Sub)."""

from riverbed.ingestor.sync.sources.base import Batch, Source, SourceFactory

__all__ = ["Batch", "Source", "SourceFactory"]
