"""Settings of `riverbed sync` (env prefix RIVERBED_INGESTOR_, plus DATABASE_URL)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from riverbed.core.settings import DEFAULT_STATE_DIR

__all__ = ["DEFAULT_TABLES", "SyncSettings"]

DEFAULT_TABLES = ("pages", "videos", "insights")

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _bytes(size: str) -> int:
    """Return a JVM memory size such as `512m` in bytes."""
    unit = size[-1].lower() if size[-1].isalpha() else ""
    return int(size[: len(size) - len(unit)]) * _UNITS[unit]


class SyncSettings(BaseSettings):
    """Where changes come from, which tables are captured, and where they land."""

    model_config = SettingsConfigDict(
        env_prefix="RIVERBED_INGESTOR_", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/riverbed",
        validation_alias=AliasChoices("DATABASE_URL", "RIVERBED_INGESTOR_DATABASE_URL"),
    )
    home: Path = Field(
        DEFAULT_STATE_DIR, validation_alias=AliasChoices("RIVERBED_HOME", "RIVERBED_INGESTOR_HOME")
    )
    # Captured tables (schema `source_schema`); comma separated in the environment.
    tables: Annotated[tuple[str, ...], NoDecode] = DEFAULT_TABLES
    source_schema: str = "public"
    warehouse: Path | None = None  # default <home>/warehouse.duckdb
    mirror_schema: str = "mirror"
    changelog_schema: str = "changelog"
    # Embedded Debezium
    slot_name: str = "riverbed"
    publication_name: str = "riverbed"
    server_name: str = "riverbed"
    heartbeat_table: str = "cdc_heartbeat"
    heartbeat_interval_ms: int = Field(10_000, ge=100)
    offsets_file: Path | None = None  # default <home>/sync/offsets.dat
    snapshot_mode: str = "initial"
    # full: set REPLICA IDENTITY FULL on the captured tables (whole before images);
    # keep: leave each table's identity as it is (Postgres's default sends the key only:
    # unchanged TOAST values and non-key columns of deletes keep the stored values downstream)
    replica_identity: Literal["full", "keep"] = "full"
    max_batch_size: int = Field(16_384, ge=1)
    max_queue_size: int = Field(65_536, ge=2)
    poll_interval_ms: int = Field(20, ge=1)
    # The embedded engine's JVM: heap and young generation (-Xmx / -Xmn; young "" lets G1 size
    # it). Debezium's queued records survive young collections: G1, sizing the young generation
    # for its pause target, collected every second or two and copied them each time
    jvm_heap: str = "3g"
    jvm_young: str = "2g"
    batch_json: bool = True  # BatchJson handover (needs javac); False: Debezium's JSON format
    # A streaming batch of at least this many events is applied while Debezium reads the next
    # (it is marked processed once the next call learns it committed); smaller batches and
    # snapshot batches are waited for
    pipeline_min_events: int = Field(1_024, ge=1)
    # Kafka
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices(
            "KAFKA_BOOTSTRAP_SERVERS", "RIVERBED_INGESTOR_KAFKA_BOOTSTRAP_SERVERS"
        ),
    )
    kafka_topic_prefix: str = "riverbed"
    kafka_group_id: str = "riverbed-sync"
    # Operating
    metrics_port: int = Field(9464, ge=0, le=65535)  # 0 disables the Prometheus endpoint
    idle_release_s: float = Field(0.2, ge=0)  # release the warehouse after this idle time
    reader_wait_s: float = Field(5.0, ge=0)  # max time a writer yields to waiting readers

    @field_validator("jvm_heap", "jvm_young")
    @classmethod
    def _jvm_size(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if value == "" and info.field_name == "jvm_young":
            return value
        if not re.fullmatch(r"[1-9][0-9]*[kKmMgG]?", value):
            raise ValueError(f"{value!r} is not a JVM memory size such as 512m or 3g")
        return value

    @model_validator(mode="after")
    def _young_below_heap(self) -> SyncSettings:
        if self.jvm_young and _bytes(self.jvm_young) >= _bytes(self.jvm_heap):
            raise ValueError(
                f"RIVERBED_INGESTOR_JVM_YOUNG ({self.jvm_young}) must be smaller than"
                f' RIVERBED_INGESTOR_JVM_HEAP ({self.jvm_heap}); set it to "" to let G1 size it'
            )
        return self

    @field_validator("tables", mode="before")
    @classmethod
    def _split_tables(cls, value: object) -> object:
        if isinstance(value, str):
            value = [t.strip() for t in value.split(",") if t.strip()]
        if isinstance(value, (list, tuple)):
            for t in value:
                if not str(t).replace("_", "").isalnum():
                    raise ValueError(f"invalid table name {t!r}")
        return value

    @property
    def warehouse_path(self) -> Path:
        """Return the DuckDB file (default `<home>/warehouse.duckdb`)."""
        return self.warehouse or self.home / "warehouse.duckdb"

    @property
    def offsets_path(self) -> Path:
        """Return the Debezium offsets file of the embedded engine."""
        return self.offsets_file or self.home / "sync" / "offsets.dat"

    @property
    def pg_url(self) -> str:
        """Return DATABASE_URL as a plain libpq URL (psycopg)."""
        url = self.database_url
        for prefix in ("postgresql+psycopg://", "postgres://"):
            if url.startswith(prefix):
                url = "postgresql://" + url[len(prefix) :]
        return url

    @property
    def qualified_tables(self) -> list[str]:
        """Return the captured tables as `schema.table`."""
        return [t if "." in t else f"{self.source_schema}.{t}" for t in self.tables]
