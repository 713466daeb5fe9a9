"""The registration table: one unemployment registration (就业失业登记表), its decision and deregistration."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import JsonValue
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText
from shared.regions import AreaType


class Channel(StrEnum):
    """How an application reached the agency (rules.md, Channels)."""

    WINDOW = "window"
    ONLINE = "online"
    NATIONAL_PLATFORM = "national_platform"
    EMPLOYMENT_CLOUD = "employment_cloud"
    WECHAT = "wechat"


class RegistrationStatus(StrEnum):
    """Where a registration stands."""

    REGISTERED = "registered"
    PENDING_VERIFICATION = "pending_verification"
    REJECTED = "rejected"
    DEREGISTERED = "deregistered"


class VerificationState(StrEnum):
    """Where the data comparison of an online declaration stands."""

    NOT_REQUIRED = "not_required"
    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    HOME_VISIT = "home_visit"
    UNCONFIRMED = "unconfirmed"


# REG-DUPLICATE: at most one valid registration per person, enforced by the database under concurrency.
VALID_REGISTRATION_INDEX = "uq_registration_valid_person"
# The index predicate; ON CONFLICT names it literally, since Postgres cannot infer a partial index from
# bound parameters.
VALID_REGISTRATION_WHERE = "status IN ('registered', 'pending_verification')"


class Registration(Base):
    """An unemployment registration: the form as filled in, the decision and, later, its deregistration."""

    __tablename__ = "registration"
    __table_args__ = (
        Index(
            VALID_REGISTRATION_INDEX,
            "person_id",
            unique=True,
            postgresql_where=text(VALID_REGISTRATION_WHERE),
        ),
        # varchar_pattern_ops: region scoping is a prefix LIKE, which a plain btree cannot serve
        # under a non-C collation.
        Index(
            "ix_registration_region_created",
            "agency_region_code",
            "created_at",
            "id",
            postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
        ),
        Index("ix_registration_status_created", "status", "created_at", "id"),
        Index("ix_registration_created", "created_at", "id"),
        Index("ix_registration_person", "person_id"),
        Index(
            "ix_registration_pending_due",
            "decision_due",
            postgresql_where=text("status = 'pending_verification'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("person.id"))
    status: Mapped[RegistrationStatus] = mapped_column(EnumText(RegistrationStatus, 24))
    channel: Mapped[Channel] = mapped_column(EnumText(Channel, 24))
    agency_region_code: Mapped[str] = mapped_column(String(12))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # REG-DEADLINE: the decision due date and how it was reached.
    decision_due: Mapped[date] = mapped_column(Date)
    deadline_workdays: Mapped[int] = mapped_column(SmallInteger)
    deadline_source: Mapped[str] = mapped_column(Text)
    deadline_estimated: Mapped[bool] = mapped_column(Boolean, server_default=false())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    registered_on: Mapped[date | None] = mapped_column(Date)

    # Household and residence as declared on the form (statistics count the residence of that day).
    hukou_region_code: Mapped[str] = mapped_column(String(12))
    hukou_type: Mapped[AreaType] = mapped_column(EnumText(AreaType, 8))
    residence_region_code: Mapped[str] = mapped_column(String(12))
    residence_type: Mapped[AreaType] = mapped_column(EnumText(AreaType, 8))

    # The form (就业失业登记表).
    unemployed_since: Mapped[date] = mapped_column(Date)
    unemployment_reason: Mapped[str] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(String(32))
    health_status: Mapped[str | None] = mapped_column(String(32))
    disability_category: Mapped[str | None] = mapped_column(String(32))
    disability_certificate_number: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    certificates: Mapped[list[dict[str, JsonValue]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb")
    )
    job_intentions: Mapped[list[dict[str, JsonValue]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb")
    )
    training_intentions: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    wants_startup_support: Mapped[bool] = mapped_column(Boolean, server_default=false())
    claims_unemployment_insurance: Mapped[bool] = mapped_column(Boolean, server_default=false())
    contact_address: Mapped[str | None] = mapped_column(Text)
    emergency_contact: Mapped[dict[str, JsonValue] | None] = mapped_column(JSONB)
    # REG-ID-HMT: the mainland job a Hong Kong, Macao or Taiwan resident lost.
    mainland_employment: Mapped[dict[str, JsonValue] | None] = mapped_column(JSONB)

    # The applicant's declaration (REG-UNEMPLOYED, REG-ABLE, REG-WILLING, REG-PENSION) and commitment.
    declared_unemployed: Mapped[bool] = mapped_column(Boolean)
    declared_able_to_work: Mapped[bool] = mapped_column(Boolean)
    declared_wants_work: Mapped[bool] = mapped_column(Boolean)
    declared_receiving_pension: Mapped[bool] = mapped_column(Boolean)
    commitment_signed: Mapped[bool] = mapped_column(Boolean)

    # Data comparison of the declaration (online channels).
    verification_state: Mapped[VerificationState] = mapped_column(
        EnumText(VerificationState, 16), server_default=VerificationState.NOT_REQUIRED
    )
    verification_findings: Mapped[list[dict[str, JsonValue]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb")
    )
    home_visit_task_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    overdue: Mapped[bool] = mapped_column(Boolean, server_default=false())
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Deregistration (002 §五).
    deregistration_reason: Mapped[str | None] = mapped_column(String(32))
    deregistration_effective_date: Mapped[date | None] = mapped_column(Date)
    deregistration_note: Mapped[str | None] = mapped_column(Text)
    deregistration_monthly_income_fen: Mapped[int | None] = mapped_column(BigInteger)
    deregistered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deregistered_by: Mapped[str | None] = mapped_column(String(128))
    notify_person: Mapped[bool | None] = mapped_column(Boolean)
    notification_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # 提供虚假信息骗取待遇: recorded for the HR credit system (002 §五).
    false_information: Mapped[bool] = mapped_column(Boolean, server_default=false())

    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
