"""SQLAlchemy models of the media tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "Insight", "Page", "Video", "utcnow"]

# BIGINT identity on Postgres, INTEGER PRIMARY KEY (rowid alias) on SQLite
Id = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current UTC time."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the media tables."""


class Page(Base):
    """A media page (e.g. a publisher's channel)."""

    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Video(Base):
    """A video published on a page."""

    __tablename__ = "videos"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    page_id: Mapped[int] = mapped_column(
        Id, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Insight(Base):
    """Engagement figures of a video at one point in time."""

    __tablename__ = "insights"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(
        Id, ForeignKey("videos.id", ondelete="CASCADE"), nullable=False, index=True
    )
    likes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    views: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
