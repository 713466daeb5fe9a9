"""ORM table of a person's baseline survey and the class it gave (FU-CLASSIFY); one row per person, the latest."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class Classification(StrEnum):
    """The classes of FU-CLASSIFY (seed 002 §四(三)–(六))."""

    JOB_READY = "job_ready"
    NEEDS_TRAINING = "needs_training"
    ENTREPRENEUR = "entrepreneur"
    DIFFICULTY_CANDIDATE = "difficulty_candidate"
    NOT_SEEKING_NOW = "not_seeking_now"


class PersonSurvey(Base):
    """The latest baseline survey of a person, its class, reason and service package."""

    __tablename__ = "person_survey"
    __table_args__ = (
        CheckConstraint(
            "classification IN ('job_ready', 'needs_training', 'entrepreneur', 'difficulty_candidate', "
            "'not_seeking_now')",
            name="classification",
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    agency_region_code: Mapped[str] = mapped_column(String(9))
    answers: Mapped[dict[str, object]] = mapped_column(JSONB)
    classification: Mapped[Classification] = mapped_column(EnumText(Classification, 32))
    reason: Mapped[str] = mapped_column(Text)
    reason_zh: Mapped[str] = mapped_column(Text)
    package: Mapped[list[str]] = mapped_column(JSONB)
    surveyed_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
