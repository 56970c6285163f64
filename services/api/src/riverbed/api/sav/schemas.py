"""Request and response bodies of `POST /sav/metrics`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from riverbed.core.web import MAX_INT64, PageParams

__all__ = [
    "MetricEntry",
    "MetricOut",
    "MetricsAccepted",
    "MetricsBatch",
    "MetricsList",
    "MetricsQuery",
]

_Stat = Field(None, ge=0, le=1e15)


class MetricEntry(BaseModel):
    """The aggregate of one country or merchant over one period."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    period: str = Field(
        pattern=r"^(all|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))$",
        description="The UTC day (YYYY-MM-DD) of the tickets' first client message, or `all`.",
    )
    dimension: Literal["country", "merchant"]
    key: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="Country code or merchant id.")
    tickets: int = Field(ge=0, le=MAX_INT64)
    answered: int = Field(ge=0, le=MAX_INT64)
    mean_dt_seconds: float | None = _Stat
    median_dt_seconds: float | None = _Stat
    p90_dt_seconds: float | None = _Stat
    mean_exch_nr: float | None = _Stat

    @model_validator(mode="after")
    def _answered_le_tickets(self) -> MetricEntry:
        if self.answered > self.tickets:
            raise ValueError("answered must not exceed tickets")
        return self


class MetricsBatch(BaseModel):
    """At most 10 entries; (period, dimension, key) unique within the batch."""

    model_config = ConfigDict(extra="forbid")

    entries: list[MetricEntry] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _unique(self) -> MetricsBatch:
        keys = [(e.period, e.dimension, e.key) for e in self.entries]
        if len(set(keys)) != len(keys):
            raise ValueError("an entry (period, dimension, key) appears twice")
        return self


class MetricsAccepted(BaseModel):
    """What the receiver did with a batch."""

    idempotency_key: str
    stored: int = Field(description="Entries stored (inserted or updated) by this batch.")
    replayed: bool = Field(description="True when the key was seen before: nothing was stored.")


class MetricsQuery(PageParams):
    """Filters of `GET /sav/metrics` (plus limit and cursor/offset)."""

    period: str | None = Field(None, pattern=r"^(all|[0-9]{4}-[0-9]{2}-[0-9]{2})$")
    dimension: Literal["country", "merchant"] | None = None
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")


class MetricOut(BaseModel):
    """One stored aggregate."""

    id: int
    period: str
    dimension: str
    key: str
    tickets: int
    answered: int
    mean_dt_seconds: float | None
    median_dt_seconds: float | None
    p90_dt_seconds: float | None
    mean_exch_nr: float | None
    batch_key: str
    updated_at: datetime

    @field_validator("updated_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


class MetricsList(BaseModel):
    """A page of stored aggregates, by id."""

    items: list[MetricOut]
    next_cursor: str | None
    limit: int
