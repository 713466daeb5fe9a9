"""ORM tables of granted startup guaranteed loans and the periods of their interest-subsidy schedules."""

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
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import EnumText
from subsidy_svc.orm import Base


class BorrowerType(StrEnum):
    """An individual or a small/micro enterprise borrower."""

    INDIVIDUAL = "individual"
    ENTERPRISE = "enterprise"


class SubsidyPeriodKind(StrEnum):
    """How often the interest subsidy is settled."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class PeriodStatus(StrEnum):
    """A period is scheduled until paid; early repayment cancels the periods after it."""

    SCHEDULED = "scheduled"
    PAID = "paid"
    CANCELLED = "cancelled"


class StartupLoan(Base):
    """A granted startup guaranteed loan, after the eligibility evaluation and the rate cap (LOAN-RATE)."""

    __tablename__ = "startup_loan"
    __table_args__ = (
        CheckConstraint("borrower_type IN ('individual', 'enterprise')", name="borrower_type"),
        CheckConstraint("subsidy_period IN ('monthly', 'quarterly')", name="subsidy_period"),
        CheckConstraint(
            "(borrower_type = 'individual') = (person_id IS NOT NULL AND credit_code IS NULL)", name="borrower_id"
        ),
        CheckConstraint("principal_fen > 0 AND term_months > 0 AND annual_rate_bp >= 0", name="terms"),
        Index("ix_startup_loan_created", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    borrower_type: Mapped[BorrowerType] = mapped_column(EnumText(BorrowerType, 16))
    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    borrower: Mapped[dict[str, object]] = mapped_column(JSONB)
    lender_name: Mapped[str] = mapped_column(String(100))
    lender_account: Mapped[str] = mapped_column(String(40))
    contract_number: Mapped[str] = mapped_column(String(64), unique=True)
    agency_region_code: Mapped[str] = mapped_column(String(9))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    annual_rate_bp: Mapped[int] = mapped_column(Integer)
    lpr_bp: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(SmallInteger)
    subsidy_period: Mapped[SubsidyPeriodKind] = mapped_column(EnumText(SubsidyPeriodKind, 16))
    rounding: Mapped[str] = mapped_column(Text)
    policy_pack: Mapped[str] = mapped_column(String(64))
    repaid_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LoanSubsidyPeriod(Base):
    """One period of a loan's interest-subsidy schedule: the interest due and the state's share, in fen."""

    __tablename__ = "loan_subsidy_period"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'paid', 'cancelled')", name="status"),
        CheckConstraint("interest_fen >= 0 AND subsidy_fen >= 0 AND subsidy_fen <= interest_fen", name="amounts"),
        UniqueConstraint("loan_id", "number"),
        Index("ix_loan_subsidy_period_region_due", "agency_region_code", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    loan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("startup_loan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    agency_region_code: Mapped[str] = mapped_column(String(9))
    period_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(SmallInteger)
    principal_outstanding_fen: Mapped[int] = mapped_column(BigInteger)
    interest_fen: Mapped[int] = mapped_column(BigInteger)
    subsidy_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[PeriodStatus] = mapped_column(EnumText(PeriodStatus, 16))
