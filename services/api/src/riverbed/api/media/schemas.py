"""Request and response models of the media API (pydantic, strict, unknown fields refused)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr

from riverbed.core.web import MAX_INT64

__all__ = [
    "InsightIn",
    "InsightList",
    "InsightOut",
    "PageIn",
    "PageList",
    "PageOut",
    "VideoIn",
    "VideoList",
    "VideoOut",
    "iso",
]


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Text = Annotated[StrictStr, Field(min_length=1, max_length=255), AfterValidator(_clean_text)]
Ref = Annotated[StrictInt, Field(ge=1, le=MAX_INT64)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_INT64)]


def iso(value: datetime) -> str:
    """Render a timestamp as ISO 8601 UTC (SQLite returns naive UTC values)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageIn(_In):
    """Body of POST /pages."""

    name: Text = Field(description="Unique page name, 1-255 characters.")


class VideoIn(_In):
    """Body of POST /videos."""

    title: Text
    page_id: Ref = Field(description="Id of an existing page.")


class InsightIn(_In):
    """Body of POST /insights."""

    video_id: Ref = Field(description="Id of an existing video.")
    likes: Count
    views: Count


class PageOut(BaseModel):
    """A page."""

    id: int
    name: str
    created_at: str = Field(description="Server-set creation time, ISO 8601 UTC.")


class VideoOut(BaseModel):
    """A video."""

    id: int
    title: str
    page_id: int
    created_at: str


class InsightOut(BaseModel):
    """A video insight."""

    id: int
    video_id: int
    likes: int
    views: int
    created_at: str


class _List(BaseModel):
    next_cursor: str | None = Field(description="Cursor of the next page; null on the last.")
    limit: int


class PageList(_List):
    """A page of pages."""

    items: list[PageOut]


class VideoList(_List):
    """A page of videos."""

    items: list[VideoOut]


class InsightList(_List):
    """A page of insights."""

    items: list[InsightOut]
