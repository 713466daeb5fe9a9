"""ORM tables of verification: reference data loaded from CSV, its load batches, and home-visit tasks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText


class SourceName(StrEnum):
    """The reference sources of seed 002 §三's data comparison."""

    IDENTITY = "identity"  # 公安 identity data, 社保卡持卡人员基础信息库
    SOCIAL_INSURANCE = "social_insurance"  # 社会保险参保登记, 劳动用工备案, pension receipt
    BUSINESS_REGISTRATION = "business_registration"  # 市场监管 (工商) business owners
    CIVIL_AFFAIRS = "civil_affairs"  # 民政: deaths, minimum living allowance (低保)


class RecordStatus(StrEnum):
    """Whether a reference record was in force when the source exported it."""

    ACTIVE = "active"
    ENDED = "ended"


class HomeVisitStatus(StrEnum):
    """State of a home-visit task."""

    OPEN = "open"
    DONE = "done"


class HomeVisitOutcome(StrEnum):
    """What the caseworker found on the visit (上门调查, seed 002 §三)."""

    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    UNREACHABLE = "unreachable"


class ReferenceBatch(Base):
    """One load of a source's CSV file by an administrator; the latest one per source is current."""

    __tablename__ = "reference_batch"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    source: Mapped[SourceName] = mapped_column(EnumText(SourceName, 32))
    row_count: Mapped[int]
    content_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(128))

    __table_args__ = (Index("ix_reference_batch_source_loaded_at", "source", "loaded_at"),)


class ReferenceRecord(Base):
    """One row of a source: a record about an identity number (a contribution, a business, a death ...)."""

    __tablename__ = "reference_record"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source: Mapped[SourceName] = mapped_column(EnumText(SourceName, 32))
    id_number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[RecordStatus] = mapped_column(EnumText(RecordStatus, 8))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reference_batch.id", ondelete="CASCADE"))

    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        CheckConstraint("valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to", name="validity"),
        Index("ix_reference_record_id_number_source", "id_number", "source"),
        Index("ix_reference_record_source", "source"),
        Index("ix_reference_record_batch_id", "batch_id"),
    )


class HomeVisitTask(Base):
    """A caseworker's visit to confirm a declaration no data source could confirm (seed 002 §三)."""

    __tablename__ = "home_visit_task"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # No foreign keys to the registration tables: verification must not depend on their migrations.
    registration_id: Mapped[uuid.UUID]
    person_id: Mapped[uuid.UUID]
    agency_region_code: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[HomeVisitStatus] = mapped_column(EnumText(HomeVisitStatus, 8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(128))
    visited_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[HomeVisitOutcome | None] = mapped_column(EnumText(HomeVisitOutcome, 16))
    outcome_rules: Mapped[list[str] | None] = mapped_column(JSONB)
    outcome_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="status"),
        CheckConstraint("outcome IS NULL OR outcome IN ('confirmed', 'contradicted', 'unreachable')",
                        name="outcome"),
        CheckConstraint("(status = 'done') = (outcome IS NOT NULL)", name="done_has_outcome"),
        # At most one open task per registration: creating it twice returns the first.
        Index("uq_home_visit_task_open_registration", "registration_id", unique=True,
              postgresql_where=text("status = 'open'")),
        Index("ix_home_visit_task_region_open", "agency_region_code", "created_at", "id",
              postgresql_where=text("status = 'open'"),
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
        Index("ix_home_visit_task_registration_id", "registration_id"),
    )
