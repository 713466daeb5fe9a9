"""The job_seeker table: a job-seeker registration (求职登记) with its intentions, skills and review."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, SmallInteger, String, Text, false, func
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText


class ReviewStatus(StrEnum):
    """Where a job-seeker registration or a vacancy stands in its review (JOB-REVIEW)."""

    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"


# At most one job-seeker registration per person waiting for review or published: a second one would
# put the same person twice before employers and in the matching.
VALID_JOB_SEEKER_WHERE = "status IN ('pending_review', 'published')"


class JobSeeker(Base):
    """A job-seeker registration: who, where they look for work, what they can do, and its review."""

    __tablename__ = "job_seeker"
    __table_args__ = (
        Index("uq_job_seeker_valid_person", "person_id", unique=True,
              postgresql_where=sql_text(VALID_JOB_SEEKER_WHERE)),
        Index("ix_job_seeker_region_created", "agency_region_code", "created_at", "id",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
        Index("ix_job_seeker_person", "person_id"),
        Index("ix_job_seeker_pending_due", "review_due", postgresql_where=sql_text("status = 'pending_review'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("person.id"))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    status: Mapped[ReviewStatus] = mapped_column(EnumText(ReviewStatus, 16))

    # Intentions (求职意愿) and what the person brings, kept for matching.
    occupation_codes: Mapped[list[str]] = mapped_column(JSONB)
    region_codes: Mapped[list[str]] = mapped_column(JSONB)
    min_monthly_wage_fen: Mapped[int | None] = mapped_column(BigInteger)
    full_time: Mapped[bool | None] = mapped_column(Boolean)
    skills: Mapped[list[str]] = mapped_column(JSONB)
    education: Mapped[str | None] = mapped_column(String(32))
    experience_years: Mapped[int | None] = mapped_column(SmallInteger)

    # JOB-REVIEW: reviewed and published or rejected within job_seeker_review_workdays.
    applied_on: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date)
    review_workdays: Mapped[int] = mapped_column(SmallInteger)
    review_source: Mapped[str] = mapped_column(String(200))
    review_estimated: Mapped[bool] = mapped_column(Boolean)
    overdue: Mapped[bool] = mapped_column(Boolean, server_default=false())
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    review_reason: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
