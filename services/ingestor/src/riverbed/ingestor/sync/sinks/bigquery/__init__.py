"""The BigQuery sink (mirror tables + change logs, staging + MERGE, LSN guard)."""

from riverbed.ingestor.sync.sinks.bigquery._client import BigQuerySettings, make_client
from riverbed.ingestor.sync.sinks.bigquery.sink import BigQuerySink

__all__ = ["BigQuerySettings", "BigQuerySink", "make_client"]
