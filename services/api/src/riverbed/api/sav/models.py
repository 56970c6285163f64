"""SQLAlchemy models of the SAV tables: received metrics and the batches seen."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "SavMetric", "SavMetricBatch"]

Id = BigInteger().with_variant(Integer(), "sqlite")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the SAV tables."""


class SavMetricBatch(Base):
    """One accepted POST, by idempotency key, with the hash of its body."""

    __tablename__ = "sav_metric_batches"
    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    entries: Mapped[int] = mapped_column(Integer, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class SavMetric(Base):
    """The latest aggregate of one (period, dimension, key)."""

    __tablename__ = "sav_metrics"
    __table_args__ = (
        UniqueConstraint("period", "dimension", "key", name="uq_sav_metrics_period_dim_key"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)
    dimension: Mapped[str] = mapped_column(String(16), nullable=False)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    tickets: Mapped[int] = mapped_column(BigInteger, nullable=False)
    answered: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mean_dt_seconds: Mapped[float | None] = mapped_column(Float)
    median_dt_seconds: Mapped[float | None] = mapped_column(Float)
    p90_dt_seconds: Mapped[float | None] = mapped_column(Float)
    mean_exch_nr: Mapped[float | None] = mapped_column(Float)
    batch_key: Mapped[str] = mapped_column(String(128), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
