"""ORM tables of the ledger: the registration facts the follow-up service keeps, entries, contacts and months."""

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
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.first_contact.models import FollowupMethod
from followup_svc.ledger.rules import EntryStatus
from followup_svc.orm import Base
from shared.db import EnumText

__all__ = ["ContactResult", "EmploymentStatus", "EntryStatus", "LedgerContact", "LedgerCount", "LedgerEntry",
           "LedgerMonth", "LedgerMonthCount", "LedgerRegistration"]


class ContactResult(StrEnum):
    """What came of one contact."""

    REACHED = "reached"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"


class EmploymentStatus(StrEnum):
    """The person's situation as a reached contact records it (FU-OUTCOME)."""

    UNEMPLOYED = "unemployed"
    HIRED = "hired"
    SELF_EMPLOYED = "self_employed"
    STABLE_INCOME = "stable_income"
    PENSION = "pension"
    ENROLLED_IN_SCHOOL = "enrolled_in_school"
    MILITARY_SERVICE = "military_service"
    MOVED_ABROAD = "moved_abroad"
    LOST_WORK_ABILITY = "lost_work_ability"
    IMPRISONED = "imprisoned"
    DECEASED = "deceased"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class LedgerRegistration(Base):
    """What the follow-up service knows of a registration, from registration events: who, where, from when,
    until when, and the one deregistration it asked for. Later follow-up domains (services, tiers) read
    these facts too; the registration schema is never read."""

    __tablename__ = "ledger_registration"
    __table_args__ = (
        Index("ix_ledger_registration_person_id", "person_id"),
        Index("ix_ledger_registration_agency_region_code", "agency_region_code",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
    )

    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    registered_on: Mapped[date] = mapped_column(Date)
    # The deregistration as the registration service carried it out (registration.deregistered).
    deregistered_on: Mapped[date | None] = mapped_column(Date)
    deregistration_reason: Mapped[str | None] = mapped_column(String(32))
    # The deregistration this service requested, once (FU-OUTCOME, FU-REFUSAL, FU-UNREACHABLE, FU-DATA-MATCH).
    requested_reason: Mapped[str | None] = mapped_column(String(32))
    requested_effective_date: Mapped[date | None] = mapped_column(Date)
    requested_rule: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerEntry(Base):
    """One registration's follow-up in one calendar month (FU-MONTHLY)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(_in("status", EntryStatus), name="status"),
        CheckConstraint("EXTRACT(DAY FROM month) = 1", name="month_first_day"),
        UniqueConstraint("month", "registration_id"),
        # The list, coverage and export of a month in a region read this index (prefix match on the code).
        Index("ix_ledger_entry_month_region_status", "month", "agency_region_code", "status",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
        Index("ix_ledger_entry_registration_id_month", "registration_id", "month"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    # The first day of the month.
    month: Mapped[date] = mapped_column(Date)
    status: Mapped[EntryStatus] = mapped_column(EnumText(EntryStatus, 16), server_default=EntryStatus.PENDING.value)
    # The month's last working day: the follow-up is due by then (FU-MONTHLY).
    due_on: Mapped[date] = mapped_column(Date)
    first_contacted_on: Mapped[date | None] = mapped_column(Date)
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    # The day of the month's data match (FU-DATA-MATCH), written with its contact: a second run skips the entry.
    data_matched_on: Mapped[date | None] = mapped_column(Date)
    # Set by the month's close; an entry added to a closed month later stays open until the next close.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerContact(Base):
    """One follow-up contact of an entry: by phone, visit or data match, with its result and outcome."""

    __tablename__ = "ledger_contact"
    __table_args__ = (
        CheckConstraint(_in("method", FollowupMethod), name="method"),
        CheckConstraint(_in("result", ContactResult), name="result"),
        CheckConstraint(f"employment_status IS NULL OR {_in('employment_status', EmploymentStatus)}",
                        name="employment_status"),
        CheckConstraint("result <> 'reached' OR employment_status IS NOT NULL", name="reached_has_status"),
        CheckConstraint("monthly_income_fen IS NULL OR monthly_income_fen >= 0", name="income"),
        Index("ix_ledger_contact_entry_id", "entry_id", "contacted_on"),
        Index("ix_ledger_contact_registration_id", "registration_id", "contacted_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_entry.id", ondelete="CASCADE"))
    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    method: Mapped[FollowupMethod] = mapped_column(EnumText(FollowupMethod, 16))
    contacted_on: Mapped[date] = mapped_column(Date)
    result: Mapped[ContactResult] = mapped_column(EnumText(ContactResult, 16))
    refusal_justified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    employment_status: Mapped[EmploymentStatus | None] = mapped_column(EnumText(EmploymentStatus, 24))
    monthly_income_fen: Mapped[int | None] = mapped_column(BigInteger)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18))
    note: Mapped[str] = mapped_column(Text, server_default="")
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The deregistration this contact requested, with the rule that asked for it.
    deregistration_reason: Mapped[str | None] = mapped_column(String(32))
    deregistration_rule: Mapped[str | None] = mapped_column(String(24))
    deregistration_effective_date: Mapped[date | None] = mapped_column(Date)


class LedgerMonth(Base):
    """A month of the ledger as a whole: when it was last closed and how it stood then."""

    __tablename__ = "ledger_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(128))
    close_runs: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class LedgerMonthCount(Base):
    """Entries per county and status of a closed month, written by the close: the figures reported upward
    and exported as Prometheus gauges."""

    __tablename__ = "ledger_month_count"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(9), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerCount(Base):
    """How many entries a town (or county) has in each state in a month, kept by statement-level triggers on
    ledger_entry (followup_0006) whatever writes it: coverage reads these few thousand rows instead of
    counting a million entries."""

    __tablename__ = "ledger_count"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    agency_region_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
