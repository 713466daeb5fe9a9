"""ORM tables of the first contact after registration (FU-CONTACT) and of the deregistrations seen meanwhile."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Index, SmallInteger, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class FirstContactStatus(StrEnum):
    """Where a first-contact task stands."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowupMethod(StrEnum):
    """How a person was contacted (信息比对 / 实地走访 / 电话调查)."""

    DATA_MATCH = "data_match"
    VISIT = "visit"
    PHONE = "phone"


class FirstContactTask(Base):
    """The first contact owed to a newly registered person within first_contact_workdays (FU-CONTACT)."""

    __tablename__ = "first_contact_task"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        CheckConstraint("method IS NULL OR method IN ('data_match', 'visit', 'phone')", name="method"),
        CheckConstraint(
            "(status = 'done') = "
            "(completed_at IS NOT NULL AND method IS NOT NULL AND contacted_on IS NOT NULL)",
            name="done_has_completion",
        ),
        Index("ix_first_contact_task_created", "created_at", "id"),
        Index("ix_first_contact_task_open_due", "due_on", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    registered_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # The explanation of due_on as computed (FU-CONTACT, T-WORKDAY), kept so it never drifts from the date.
    due_workdays: Mapped[int] = mapped_column(SmallInteger)
    due_source: Mapped[str] = mapped_column(Text)
    due_estimated: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[FirstContactStatus] = mapped_column(
        EnumText(FirstContactStatus, 16), server_default=FirstContactStatus.OPEN.value
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(128))
    contacted_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[FollowupMethod | None] = mapped_column(EnumText(FollowupMethod, 16))
    outcome: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # First day the overdue job reported this task upward (seed 002 §七(一)).
    overdue_flagged_on: Mapped[date | None] = mapped_column(Date)


class Deregistration(Base):
    """A deregistration seen from the events; lets a late registration.created create a cancelled task."""

    __tablename__ = "deregistration"

    registration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    effective_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
