"""ORM tables of the difficulty certification workflow: applications, objections, decisions, certifications,
quarterly reviews and screening candidates (001 §六, 003 §三)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import JsonValue
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from eligibility_svc.orm import Base
from shared.db import EnumText


class ApplicationStatus(StrEnum):
    """Where an application stands in the workflow (README "Difficulty certification workflow")."""

    MATERIALS_INCOMPLETE = "materials_incomplete"
    SUBMITTED = "submitted"
    IN_PUBLIC_NOTICE = "in_public_notice"
    CERTIFIED = "certified"
    REJECTED = "rejected"
    UNDER_RE_REVIEW = "under_re_review"


# DIFF-DUPLICATE: the statuses of an open application, one per person at a time.
OPEN_STATUSES = ("materials_incomplete", "submitted", "in_public_notice", "under_re_review")
OPEN_APPLICATION_WHERE = "status IN ('materials_incomplete', 'submitted', 'in_public_notice', 'under_re_review')"


class DecisionKind(StrEnum):
    """What a step decided."""

    PASS = "pass"
    CERTIFY = "certify"
    REJECT = "reject"


class DecisionStep(StrEnum):
    """Which step of the workflow made a decision."""

    PRELIMINARY = "preliminary"
    CERTIFICATION = "certification"


class CertificationStatus(StrEnum):
    """Whether a certification is in force."""

    ACTIVE = "active"
    ENDED = "ended"


class ExitReason(StrEnum):
    """Why a certification ended (DIFF-EXIT, rules.md)."""

    RETIREMENT = "retirement"
    LOST_WORK_ABILITY = "lost_work_ability"
    SCHOOL_MILITARY_ABROAD = "school_military_abroad"
    EMPLOYED = "employed"
    FAMILY_MEMBER_EMPLOYED = "family_member_employed"
    REFUSED_SERVICES = "refused_services"
    STOPPED_SEEKING = "stopped_seeking"
    UNREACHABLE = "unreachable"
    VOLUNTARY = "voluntary"
    SENTENCED = "sentenced"
    FALSE_INFORMATION = "false_information"
    FRAUD = "fraud"
    NO_LONGER_MEETS_CATEGORY = "no_longer_meets_category"
    DECEASED = "deceased"


class ReviewStatus(StrEnum):
    """Where a quarterly review item stands (DIFF-QUARTERLY)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"


class VerificationMethod(StrEnum):
    """How a town verified a certified person (信息比对 / 实地走访 / 电话调查)."""

    DATA_MATCH = "data_match"
    VISIT = "visit"
    PHONE = "phone"


class CandidateStatus(StrEnum):
    """Where a screening candidate stands (DIFF-SCREENING)."""

    LISTED = "listed"
    INVITED = "invited"
    DECLINED = "declined"


def _in(column: str, enum: type[StrEnum], nullable: bool = False) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IS NULL OR {column} IN ({values})" if nullable else f"{column} IN ({values})"


class DifficultyApplication(Base):
    """One application for difficulty certification, with every step's due and actual date."""

    __tablename__ = "difficulty_application"
    __table_args__ = (
        CheckConstraint(_in("status", ApplicationStatus), name="status"),
        Index("uq_difficulty_application_open_person", "person_id", unique=True,
              postgresql_where=text(OPEN_APPLICATION_WHERE)),
        Index("ix_difficulty_application_region_created", "agency_region_code", "created_at", "id",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
        Index("ix_difficulty_application_person", "person_id"),
        # A citizen's own: by identity number, or (applications stored before it was kept) by who filed them.
        Index("ix_difficulty_application_id_number", "id_number"),
        Index("ix_difficulty_application_created_by", "created_by"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    applicant_name: Mapped[str] = mapped_column(String(100))
    # The applicant's identity number as the registry keys it: a citizen reads their own applications by it,
    # also one a caseworker filed at the window (None on applications stored before it was kept).
    id_number: Mapped[str | None] = mapped_column(String(32))
    agency_region_code: Mapped[str] = mapped_column(String(12))
    status: Mapped[ApplicationStatus] = mapped_column(EnumText(ApplicationStatus, 24))
    applied_on: Mapped[date] = mapped_column(Date)
    # The evaluate body as evaluated: declared facts with the registration service's facts applied.
    case: Mapped[dict[str, JsonValue]] = mapped_column(JSONB)
    # Which registration facts were read and which value was used (declared or registered).
    facts_used: Mapped[list[dict[str, JsonValue]]] = mapped_column(JSONB)
    evaluation: Mapped[dict[str, JsonValue]] = mapped_column(JSONB)
    materials: Mapped[list[str]] = mapped_column(JSONB)
    missing_materials: Mapped[list[dict[str, JsonValue]]] = mapped_column(JSONB)
    # DIFF-PRELIMINARY: counted from the day the application became complete.
    complete_on: Mapped[date | None] = mapped_column(Date)
    preliminary_workdays: Mapped[int | None] = mapped_column(SmallInteger)
    preliminary_source: Mapped[str | None] = mapped_column(Text)
    preliminary_due: Mapped[date | None] = mapped_column(Date)
    preliminary_due_estimated: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    preliminary_reviewed_on: Mapped[date | None] = mapped_column(Date)
    preliminary_finding: Mapped[str | None] = mapped_column(Text)
    # DIFF-NOTICE.
    notice_start: Mapped[date | None] = mapped_column(Date)
    notice_end: Mapped[date | None] = mapped_column(Date)
    notice_source: Mapped[str | None] = mapped_column(Text)
    notice_estimated: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # DIFF-REVIEW: counted from the notice's end (or the re-review request).
    review_from: Mapped[date | None] = mapped_column(Date)
    review_workdays: Mapped[int | None] = mapped_column(SmallInteger)
    review_source: Mapped[str | None] = mapped_column(Text)
    review_due: Mapped[date | None] = mapped_column(Date)
    review_due_estimated: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    # DIFF-REJECTION and DIFF-REREVIEW-WINDOW.
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejection_issued_on: Mapped[date | None] = mapped_column(Date)
    rereview_by: Mapped[date | None] = mapped_column(Date)
    rereview_requested_on: Mapped[date | None] = mapped_column(Date)
    rereview_grounds: Mapped[str | None] = mapped_column(Text)
    overdue_flagged_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DifficultyObjection(Base):
    """An objection received during the public notice (DIFF-NOTICE)."""

    __tablename__ = "difficulty_objection"
    __table_args__ = (Index("ix_difficulty_objection_application", "application_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("difficulty_application.id")
    )
    received_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DifficultyDecision(Base):
    """A decision on an application with the rule results it was made on, kept as they were, so that a
    re-review or an appeal sees what was decided and why even after the policy pack changes."""

    __tablename__ = "difficulty_decision"
    __table_args__ = (
        CheckConstraint(_in("step", DecisionStep), name="step"),
        CheckConstraint(_in("decision", DecisionKind), name="decision"),
        Index("ix_difficulty_decision_application", "application_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("difficulty_application.id")
    )
    step: Mapped[DecisionStep] = mapped_column(EnumText(DecisionStep, 16))
    decision: Mapped[DecisionKind] = mapped_column(EnumText(DecisionKind, 16))
    decided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    objection_finding: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(String(4))
    policy_pack: Mapped[str] = mapped_column(String(64))
    evaluation: Mapped[dict[str, JsonValue]] = mapped_column(JSONB)
    decided_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DifficultyCertification(Base):
    """A person certified as having employment difficulty, until the status ends (DIFF-EXIT)."""

    __tablename__ = "difficulty_certification"
    __table_args__ = (
        CheckConstraint(_in("status", CertificationStatus), name="status"),
        CheckConstraint("tier IN ('II', 'III')", name="tier"),
        CheckConstraint(_in("exit_reason", ExitReason, nullable=True), name="exit_reason"),
        CheckConstraint("(status = 'ended') = (ended_on IS NOT NULL AND exit_reason IS NOT NULL)",
                        name="ended_has_reason"),
        Index("uq_difficulty_certification_active_person", "person_id", unique=True,
              postgresql_where=text("status = 'active'")),
        Index("ix_difficulty_certification_person", "person_id"),
        Index("ix_difficulty_certification_region_created", "agency_region_code", "created_at", "id",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
        Index("ix_difficulty_certification_active_retirement", "retirement_date",
              postgresql_where=text("status = 'active'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    certificate_number: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("difficulty_application.id")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(12))
    categories: Mapped[list[str]] = mapped_column(JSONB)
    tier: Mapped[str] = mapped_column(String(4))
    certified_on: Mapped[date] = mapped_column(Date)
    retirement_date: Mapped[date] = mapped_column(Date)
    # The case it was certified on; the quarterly review re-evaluates it on the quarter's first day.
    case: Mapped[dict[str, JsonValue]] = mapped_column(JSONB)
    status: Mapped[CertificationStatus] = mapped_column(EnumText(CertificationStatus, 16))
    ended_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[ExitReason | None] = mapped_column(EnumText(ExitReason, 32))
    exit_note: Mapped[str | None] = mapped_column(Text)
    ended_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DifficultyReview(Base):
    """A certified person listed for the town to verify in a quarter (DIFF-QUARTERLY)."""

    __tablename__ = "difficulty_review"
    __table_args__ = (
        CheckConstraint(_in("status", ReviewStatus), name="status"),
        CheckConstraint(_in("method", VerificationMethod, nullable=True), name="method"),
        UniqueConstraint("certification_id", "quarter"),
        Index("ix_difficulty_review_region_created", "agency_region_code", "created_at", "id",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    certification_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("difficulty_certification.id")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    quarter: Mapped[str] = mapped_column(String(7))
    agency_region_code: Mapped[str] = mapped_column(String(12))
    # The rules that failed on the quarter's first day, with reasons and clauses.
    reasons: Mapped[list[dict[str, JsonValue]]] = mapped_column(JSONB)
    report_due: Mapped[date] = mapped_column(Date)
    status: Mapped[ReviewStatus] = mapped_column(EnumText(ReviewStatus, 24))
    method: Mapped[VerificationMethod | None] = mapped_column(EnumText(VerificationMethod, 16))
    verified_on: Mapped[date | None] = mapped_column(Date)
    result_reason: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ScreeningCandidate(Base):
    """A registered person whose data show a category but who has not applied (DIFF-SCREENING)."""

    __tablename__ = "difficulty_screening_candidate"
    __table_args__ = (
        CheckConstraint(_in("status", CandidateStatus), name="status"),
        Index("ix_difficulty_screening_candidate_region_created", "agency_region_code", "created_at", "id",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(12))
    categories: Mapped[list[str]] = mapped_column(JSONB)
    reasons: Mapped[list[dict[str, JsonValue]]] = mapped_column(JSONB)
    status: Mapped[CandidateStatus] = mapped_column(EnumText(CandidateStatus, 16))
    listed_on: Mapped[date] = mapped_column(Date)
    updated_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
