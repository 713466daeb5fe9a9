"""Job fairs for unemployed persons (失业人员专场招聘, seed 001 §四(二)2(3)): the fair, its vacancies and the
persons invited."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText


class FairKind(StrEnum):
    """Where a fair is held."""

    ONLINE = "online"
    OFFLINE = "offline"


class InvitationResponse(StrEnum):
    """What became of an invitation."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ATTENDED = "attended"


class JobFair(Base):
    """A job fair organized by an agency: when, where (a hall, or the online platform) and for whom."""

    __tablename__ = "job_fair"
    __table_args__ = (
        CheckConstraint("kind IN ('online', 'offline')", name="kind"),
        CheckConstraint("ends_on >= held_on", name="dates"),
        Index("ix_job_fair_region_held", "agency_region_code", "held_on",
              postgresql_ops={"agency_region_code": "varchar_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[FairKind] = mapped_column(EnumText(FairKind, 16))
    held_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The hall's address, or the platform and link of an online fair.
    place: Mapped[str] = mapped_column(Text)
    agency_region_code: Mapped[str] = mapped_column(String(9))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JobFairVacancy(Base):
    """A published vacancy offered at a fair."""

    __tablename__ = "job_fair_vacancy"

    fair_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("job_fair.id"), primary_key=True)
    vacancy_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("vacancy.id"), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JobFairInvitation(Base):
    """A person invited to a fair, and what became of it."""

    __tablename__ = "job_fair_invitation"
    __table_args__ = (
        CheckConstraint("response IN ('invited', 'accepted', 'declined', 'attended')", name="response"),
        Index("ix_job_fair_invitation_person", "person_id"),
    )

    fair_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("job_fair.id"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("person.id"), primary_key=True)
    invited_on: Mapped[date] = mapped_column(Date)
    response: Mapped[InvitationResponse] = mapped_column(EnumText(InvitationResponse, 16))
    invited_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
