"""Query parameters and response bodies of the reviews routes (pydantic)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riverbed.core.web import PageParams

__all__ = [
    "ID_MAX_LENGTH",
    "MAX_DATE",
    "MIN_DATE",
    "AppliedFilter",
    "DateFilter",
    "ProductSummary",
    "RatingHistogram",
    "Review",
    "ReviewPage",
    "ReviewPageQuery",
    "ReviewerSummary",
    "parse_instant",
]

ID_MAX_LENGTH = 64
MIN_DATE = datetime(1970, 1, 1, tzinfo=UTC)
MAX_DATE = datetime(2100, 1, 1, tzinfo=UTC)


def parse_instant(value: str) -> datetime:
    """Parse an ISO date or date-time as a UTC instant (naive means UTC)."""
    if len(value) > 40:
        raise ValueError("too long for an ISO date or date-time")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            "not an ISO date (2014-02-28) or date-time (2014-02-28T12:00:00Z)"
        ) from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise ValueError("outside the supported range 1970-01-01 to 2100-01-01")
    return parsed


class DateFilter(BaseModel):
    """`from` (inclusive) and `to` (exclusive), ISO dates or date-times, UTC."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _instant(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_instant(value)
        return value


class ReviewPageQuery(DateFilter, PageParams):
    """Date filter plus `limit` and a keyset `cursor` (or an `offset`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AppliedFilter(BaseModel):
    """The filter the answer applied, normalized to UTC (null = unbounded)."""

    from_: datetime | None = Field(None, alias="from", serialization_alias="from")
    to: datetime | None = None


class RatingHistogram(BaseModel):
    """Reviews per rating."""

    model_config = ConfigDict(populate_by_name=True)

    one: int = Field(alias="1", serialization_alias="1")
    two: int = Field(alias="2", serialization_alias="2")
    three: int = Field(alias="3", serialization_alias="3")
    four: int = Field(alias="4", serialization_alias="4")
    five: int = Field(alias="5", serialization_alias="5")


class _Summary(BaseModel):
    filter: AppliedFilter
    review_count: int
    average_rating: float | None = Field(description="Mean rating; null when no review matched.")
    rating_histogram: RatingHistogram
    verified_share: float | None = Field(
        description="Share of verified reviews among those whose status is known; null if none."
    )
    helpful_votes_total: int = Field(description="Sum of `vote`, parsed as integers.")
    first_review_at: datetime | None
    last_review_at: datetime | None


class ProductSummary(_Summary):
    """Aggregates of one product's reviews."""

    product_id: str
    distinct_reviewers: int


class ReviewerSummary(_Summary):
    """Aggregates of one reviewer's reviews."""

    reviewer_id: str
    distinct_products: int


class Review(BaseModel):
    """One review."""

    review_id: int | None = Field(description="The row id (`level_0`).")
    product_id: str
    reviewer_id: str
    reviewer_name: str | None
    rating: float | None
    verified: bool | None
    vote: str | None = Field(description="Helpful votes as stored (text, may hold commas).")
    helpful_votes: int | None = Field(description="`vote` parsed as an integer.")
    summary: str | None
    text: str | None
    review_time: str | None = Field(description='As stored, e.g. "02 28, 2014".')
    reviewed_at: datetime | None


class ReviewPage(BaseModel):
    """A page of reviews, newest first."""

    scope: Literal["product", "reviewer"]
    id: str
    filter: AppliedFilter
    limit: int
    items: list[Review]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end.")
