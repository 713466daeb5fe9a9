"""ORM tables of skill-subsidy claims and the objections raised during their public notice."""

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
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import EnumText
from subsidy_svc.orm import Base


class ClaimStatus(StrEnum):
    """Where a claim stands (SUB-REVIEW, SUB-NOTICE, SUB-PAYMENT)."""

    RECEIVED = "received"
    IN_PUBLIC_NOTICE = "in_public_notice"
    REJECTED = "rejected"
    PAYABLE = "payable"
    PAID = "paid"


class PlaceBasis(StrEnum):
    """Where the claim is filed: household, insured or employment place (001 §三(二))."""

    HUKOU = "hukou"
    INSURED = "insured"
    EMPLOYMENT = "employment"


class AllowanceGroup(StrEnum):
    """The living-allowance groups of api.md (001 §三(一))."""

    POVERTY_ALLEVIATED = "poverty_alleviated"
    DIFFICULTY = "difficulty"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family"
    DISABLED = "disabled"
    POST_SCHOOL_RURAL = "post_school_rural"
    POST_SCHOOL_LOW_INCOME = "post_school_low_income"


class ReviewDecision(StrEnum):
    """The reviewer's opinion."""

    APPROVE = "approve"
    REJECT = "reject"


class ObjectionStatus(StrEnum):
    """An objection is pending until a reviewer upholds or dismisses it; a pending one holds payment."""

    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class SkillClaim(Base):
    """One skill-subsidy claim for one certificate, with its living-allowance decision and every step's dates."""

    __tablename__ = "skill_claim"
    __table_args__ = (
        CheckConstraint(
            "status IN ('received', 'in_public_notice', 'rejected', 'payable', 'paid')", name="status"
        ),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("subsidy_fen > 0 AND living_allowance_fen >= 0", name="amounts"),
        CheckConstraint("living_allowance_granted = (living_allowance_fen > 0)", name="allowance_amount"),
        CheckConstraint(
            "(status IN ('received', 'rejected')) OR (reviewed_on IS NOT NULL AND notice_end IS NOT NULL)",
            name="reviewed_before_notice",
        ),
        # SUB-DUPLICATE: one live claim per certificate; a rejected one may be filed again.
        Index("uq_skill_claim_certificate_live", "certificate_number", unique=True,
              postgresql_where=text("status <> 'rejected'")),
        # SUB-ALLOWANCE-ONCE: one living allowance per person per calendar year, whatever the concurrency.
        Index("uq_skill_claim_allowance_year", "person_id", "allowance_year", unique=True,
              postgresql_where=text("living_allowance_granted AND status <> 'rejected'")),
        Index("ix_skill_claim_created", "created_at", "id"),
        Index("ix_skill_claim_region_status", "agency_region_code", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    id_type: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(32))
    applicant_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    certificate_number: Mapped[str] = mapped_column(String(64))
    occupation_code: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(SmallInteger)
    issued_on: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date] = mapped_column(Date)
    place_basis: Mapped[PlaceBasis] = mapped_column(EnumText(PlaceBasis, 16))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(40))
    account_name: Mapped[str] = mapped_column(String(100))
    catalogue_effective_from: Mapped[date] = mapped_column(Date)
    subsidy_fen: Mapped[int] = mapped_column(Integer)
    living_allowance_requested: Mapped[bool] = mapped_column(Boolean)
    living_allowance_group: Mapped[AllowanceGroup | None] = mapped_column(EnumText(AllowanceGroup, 32))
    living_allowance_granted: Mapped[bool] = mapped_column(Boolean)
    living_allowance_fen: Mapped[int] = mapped_column(Integer)
    living_allowance_rule: Mapped[str] = mapped_column(String(32))
    living_allowance_reason: Mapped[str] = mapped_column(Text)
    living_allowance_reason_zh: Mapped[str] = mapped_column(Text)
    allowance_year: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[ClaimStatus] = mapped_column(EnumText(ClaimStatus, 20))
    review_due: Mapped[date] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_decision: Mapped[ReviewDecision | None] = mapped_column(EnumText(ReviewDecision, 8))
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    notice_start: Mapped[date | None] = mapped_column(Date)
    notice_end: Mapped[date | None] = mapped_column(Date)
    payment_due: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    # First day the daily job reported each step overdue upward (SUB-REVIEW, SUB-PAYMENT).
    review_overdue_flagged_on: Mapped[date | None] = mapped_column(Date)
    payment_overdue_flagged_on: Mapped[date | None] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ClaimObjection(Base):
    """An objection raised against a claim while it is on public notice (SUB-NOTICE)."""

    __tablename__ = "claim_objection"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'upheld', 'dismissed')", name="status"),
        CheckConstraint("(status = 'pending') = (decided_on IS NULL)", name="decided"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    claim_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("skill_claim.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(EnumText(ObjectionStatus, 16))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
