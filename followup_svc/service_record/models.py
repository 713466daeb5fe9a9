"""ORM table of the services given to a person (seed 002 §四: 全程记录提供服务)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class ServiceKind(StrEnum):
    """The kinds of service a caseworker records (api.md)."""

    POLICY_CONSULTATION = "policy_consultation"
    CAREER_GUIDANCE = "career_guidance"
    JOB_RECOMMENDATION = "job_recommendation"
    TRAINING_REFERRAL = "training_referral"
    ENTREPRENEURSHIP_SERVICE = "entrepreneurship_service"
    POLICY_APPLICATION = "policy_application"
    POLICY_LIST = "policy_list"
    SERVICE_LIST = "service_list"
    AGENCY_LIST = "agency_list"
    PUBLIC_WELFARE_POST = "public_welfare_post"
    PERSONAL_PLAN = "personal_plan"
    UNEMPLOYMENT_INSURANCE_REFERRAL = "unemployment_insurance_referral"


# Giving a list is a service that names the version given.
LIST_SERVICE_KINDS = (ServiceKind.POLICY_LIST, ServiceKind.SERVICE_LIST, ServiceKind.AGENCY_LIST)
_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in ServiceKind)
_LIST_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in LIST_SERVICE_KINDS)


class ServiceRecord(Base):
    """One service given to a person on a day, by whom, with the list version when it was a list."""

    __tablename__ = "service_record"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind"),
        CheckConstraint(f"(kind IN ({_LIST_KINDS_SQL})) = (service_list_id IS NOT NULL)", name="list_given"),
        Index("ix_service_record_person", "person_id", "delivered_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_region_code: Mapped[str] = mapped_column(String(9))
    kind: Mapped[ServiceKind] = mapped_column(EnumText(ServiceKind, 40))
    delivered_on: Mapped[date] = mapped_column(Date)
    detail: Mapped[str] = mapped_column(Text, server_default="")
    given_by: Mapped[str] = mapped_column(String(128))
    service_list_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_list.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
