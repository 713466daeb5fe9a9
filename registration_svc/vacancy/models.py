"""The vacancy table: an employer's vacancy (招聘登记), its review before publication and its closing."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    false,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.orm import Base
from shared.db import EnumText


class CloseReason(StrEnum):
    """Why a vacancy was closed."""

    FILLED = "filled"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Vacancy(Base):
    """A vacancy: the employer, the job, the fair requirements, its review and its closing."""

    __tablename__ = "vacancy"
    __table_args__ = (
        # JOB-POSITIONS, JOB-WAGE-RANGE, JOB-AGE-RANGE: the service refuses these with the rule; the
        # database keeps them true whatever writes the row.
        CheckConstraint("positions >= 1", name="positions"),
        CheckConstraint("monthly_wage_min_fen >= 0 AND monthly_wage_min_fen <= monthly_wage_max_fen", name="wage"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age"),
        CheckConstraint("status IN ('pending_review', 'published', 'rejected', 'closed')", name="status"),
        CheckConstraint("close_reason IS NULL OR close_reason IN ('filled', 'expired', 'withdrawn')",
                        name="close_reason"),
        Index("ix_vacancy_region_created", "region_code", "created_at", "id",
              postgresql_ops={"region_code": "varchar_pattern_ops"}),
        Index("ix_vacancy_employer", "employer_credit_code", "created_at"),
        # The open vacancies the matching pages through, and the daily closing of expired ones.
        Index("ix_vacancy_published_created", "created_at", "id", postgresql_where=sql_text("status = 'published'")),
        Index("ix_vacancy_published_valid", "valid_until", postgresql_where=sql_text("status = 'published'")),
        Index("ix_vacancy_pending_due", "review_due", postgresql_where=sql_text("status = 'pending_review'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    status: Mapped[ReviewStatus] = mapped_column(EnumText(ReviewStatus, 16))

    employer_credit_code: Mapped[str] = mapped_column(String(18))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_region_code: Mapped[str] = mapped_column(String(9))
    employer_contact_phone: Mapped[str] = mapped_column(String(32))

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    occupation_code: Mapped[str] = mapped_column(String(16))
    positions: Mapped[int] = mapped_column(Integer)
    # Where the work is; the agency of this region reviews the vacancy.
    region_code: Mapped[str] = mapped_column(String(9))
    monthly_wage_min_fen: Mapped[int] = mapped_column(BigInteger)
    monthly_wage_max_fen: Mapped[int] = mapped_column(BigInteger)
    full_time: Mapped[bool] = mapped_column(Boolean)
    education: Mapped[str | None] = mapped_column(String(32))
    min_age: Mapped[int | None] = mapped_column(SmallInteger)
    max_age: Mapped[int | None] = mapped_column(SmallInteger)
    skills: Mapped[list[str]] = mapped_column(JSONB)
    valid_until: Mapped[date] = mapped_column(Date)

    # JOB-REVIEW: reviewed before publication within vacancy_review_workdays.
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

    close_reason: Mapped[CloseReason | None] = mapped_column(EnumText(CloseReason, 16))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by: Mapped[str | None] = mapped_column(String(128))

    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
