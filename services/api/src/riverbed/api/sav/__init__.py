"""SAV metrics receiver: `POST /sav/metrics` stores the analytics job's aggregates, idempotently."""

from riverbed.api.sav.plugin import PLUGIN, VERSIONS_DIR

__all__ = ["PLUGIN", "VERSIONS_DIR"]
