"""ORM table of a person's three-tier assistance (FU-TIER): the tiers reached, their dates and deadlines."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Index, SmallInteger, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class Tier(StrEnum):
    """The three tiers of assistance (seed 001 §六(五): Ⅰ级, Ⅱ级, Ⅲ级就业帮扶)."""

    I = "I"  # noqa: E741  (the tier's name)
    II = "II"
    III = "III"


class Assistance(Base):
    """The assistance of one person: the current tier (none once ended) and when each tier began and is due.

    Deadlines are stored as computed when the tier began, so a later change of a policy parameter never
    rewrites them; the requirements are counted on read from the services recorded."""

    __tablename__ = "assistance"
    __table_args__ = (
        CheckConstraint("tier IS NULL OR tier IN ('I', 'II', 'III')", name="tier"),
        CheckConstraint("(tier IS NULL) = (ended_on IS NOT NULL)", name="ended_has_no_tier"),
        CheckConstraint("(tier1_started_on IS NULL) = (tier1_due_on IS NULL)", name="tier1_due"),
        CheckConstraint(
            "(tier2_started_on IS NULL) = (tier2_due_on IS NULL) "
            "AND (tier2_due_on IS NULL) = (tier2_due_months IS NULL)",
            name="tier2_due",
        ),
        CheckConstraint(
            "(tier3_started_on IS NULL) = (tier3_plan_due_on IS NULL) "
            "AND (tier3_plan_due_on IS NULL) = (tier3_plan_workdays IS NULL)",
            name="tier3_due",
        ),
        Index("ix_assistance_active_region", "agency_region_code", postgresql_where=text("tier IS NOT NULL")),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    agency_region_code: Mapped[str] = mapped_column(String(9))
    tier: Mapped[Tier | None] = mapped_column(EnumText(Tier, 3))
    since: Mapped[date] = mapped_column(Date)
    application_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    tier1_started_on: Mapped[date | None] = mapped_column(Date)
    tier1_due_on: Mapped[date | None] = mapped_column(Date)
    certification_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    tier2_started_on: Mapped[date | None] = mapped_column(Date)
    tier2_due_on: Mapped[date | None] = mapped_column(Date)
    # The months counted (tier2_due_months in force at certification), so an estimated date can be re-counted.
    tier2_due_months: Mapped[int | None] = mapped_column(SmallInteger)
    tier2_due_source: Mapped[str | None] = mapped_column(Text)
    tier2_due_estimated: Mapped[bool | None] = mapped_column(Boolean)
    tier3_started_on: Mapped[date | None] = mapped_column(Date)
    tier3_plan_due_on: Mapped[date | None] = mapped_column(Date)
    tier3_plan_workdays: Mapped[int | None] = mapped_column(SmallInteger)
    tier3_plan_due_source: Mapped[str | None] = mapped_column(Text)
    tier3_plan_due_estimated: Mapped[bool | None] = mapped_column(Boolean)
    # Why the current tier is what it is: the event that set it, or the caseworker's reason.
    tier_reason: Mapped[str] = mapped_column(Text)
    tier_changed_by: Mapped[str] = mapped_column(String(128))
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    # First day the daily job reported an overdue requirement of this person upward (seed 002 §七(一)).
    overdue_flagged_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
