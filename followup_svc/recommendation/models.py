"""ORM table of the job recommendations made to a person and their outcome (seed 001 §四; 002 §四(三))."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class RecommendationResult(StrEnum):
    """What came of a recommendation (推荐结果)."""

    INTERVIEWED = "interviewed"
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    DECLINED = "declined"


_RESULTS_SQL = ", ".join(f"'{result.value}'" for result in RecommendationResult)


class JobRecommendation(Base):
    """A published vacancy recommended to a person on a day (also a job_recommendation service), and its
    outcome: an interview on the way, then hired, not hired or declined (with or without good reason)."""

    __tablename__ = "job_recommendation"
    __table_args__ = (
        CheckConstraint(f"result IS NULL OR result IN ({_RESULTS_SQL})", name="result"),
        CheckConstraint("(result IS NULL) = (result_on IS NULL)", name="result_dated"),
        CheckConstraint("NOT declined_justified OR result = 'declined'", name="justified_decline"),
        CheckConstraint("result_on IS NULL OR result_on >= recommended_on", name="result_after_recommendation"),
        UniqueConstraint("person_id", "vacancy_id"),
        Index("ix_job_recommendation_person", "person_id", "recommended_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    vacancy_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    vacancy_title: Mapped[str] = mapped_column(Text)
    occupation_code: Mapped[str] = mapped_column(String(20))
    vacancy_region_code: Mapped[str] = mapped_column(String(9))
    recommended_on: Mapped[date] = mapped_column(Date)
    recommended_by: Mapped[str] = mapped_column(String(128))
    service_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_record.id"), unique=True)
    interviewed_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[RecommendationResult | None] = mapped_column(EnumText(RecommendationResult, 20))
    result_on: Mapped[date | None] = mapped_column(Date)
    declined_justified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    outcome_by: Mapped[str | None] = mapped_column(String(128))
    deregistration_reason: Mapped[str | None] = mapped_column(String(40))
    deregistration_rule: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
