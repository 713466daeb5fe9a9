"""ORM tables of revisits (FU-REVISIT): the scheduled ones, the ones made, and the actions a problem opens."""

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
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class RevisitTarget(StrEnum):
    """Whom a revisit is to (回访本人 / 回访用人单位)."""

    PERSON = "person"
    EMPLOYER = "employer"


class Workload(StrEnum):
    """How heavy the work is, as the employer revisit finds it (劳动强度)."""

    LIGHT = "light"
    NORMAL = "normal"
    HEAVY = "heavy"


class ActionStatus(StrEnum):
    """Where a follow-up action stands."""

    OPEN = "open"
    DONE = "done"


class Revisit(Base):
    """A revisit made: to the person or the employer, what was found and what is to be done."""

    __tablename__ = "revisit"
    __table_args__ = (
        CheckConstraint("target IN ('person', 'employer')", name="target"),
        CheckConstraint("workload IS NULL OR workload IN ('light', 'normal', 'heavy')", name="workload"),
        CheckConstraint("hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND 168", name="hours"),
        Index("ix_revisit_person", "person_id", "visited_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    target: Mapped[RevisitTarget] = mapped_column(EnumText(RevisitTarget, 8))
    visited_on: Mapped[date] = mapped_column(Date)
    employed: Mapped[bool] = mapped_column(Boolean)
    hours_per_week: Mapped[int | None] = mapped_column(SmallInteger)
    workload: Mapped[Workload | None] = mapped_column(EnumText(Workload, 8))
    contract_signed: Mapped[bool | None] = mapped_column(Boolean)
    social_insurance: Mapped[bool | None] = mapped_column(Boolean)
    wages_paid_on_time: Mapped[bool | None] = mapped_column(Boolean)
    issues: Mapped[str] = mapped_column(Text, server_default="")
    actions: Mapped[str] = mapped_column(Text, server_default="")
    visited_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RevisitSlot(Base):
    """A revisit owed on a due date after the person started work (FU-REVISIT), filled by the revisit made."""

    __tablename__ = "revisit_slot"
    __table_args__ = (
        CheckConstraint("target IN ('person', 'employer')", name="target"),
        UniqueConstraint("person_id", "started_work_on", "target", "sequence"),
        Index("ix_revisit_slot_open_due", "due_on", postgresql_where=text("revisit_id IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    target: Mapped[RevisitTarget] = mapped_column(EnumText(RevisitTarget, 8))
    started_work_on: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(SmallInteger)
    due_on: Mapped[date] = mapped_column(Date)
    months_after_start: Mapped[int] = mapped_column(SmallInteger)
    due_source: Mapped[str] = mapped_column(Text)
    due_estimated: Mapped[bool] = mapped_column(Boolean)
    revisit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("revisit.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FollowupAction(Base):
    """A problem a revisit found, to be followed up on the person (seed 002 §四(五)3: 跟踪解决...困难和问题)."""

    __tablename__ = "followup_action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="status"),
        Index("ix_followup_action_person", "person_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    revisit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("revisit.id"))
    problems: Mapped[list[str]] = mapped_column(JSONB)
    action: Mapped[str] = mapped_column(Text)
    status: Mapped[ActionStatus] = mapped_column(EnumText(ActionStatus, 8), server_default=ActionStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
