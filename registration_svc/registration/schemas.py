"""Request and response bodies of the registration endpoints (api.md, Registration service)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from registration_svc.identity.rules import IdType
from registration_svc.person.schemas import PersonNote, PersonRead
from registration_svc.registration.models import Channel, RegistrationStatus
from shared.clock import LocalDateTime
from shared.identity import Gender
from shared.inputs import BoundedDate, BoundedDateTime, Fen, Flag, PhoneNumber
from shared.regions import AreaType, RecordRegionCode

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonCreate(_Body):
    """The applicant's identity and household details as entered on the form."""

    id_type: IdType
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    name: ShortText
    gender: Gender | None = None
    birth_date: BoundedDate | None = None
    phone: PhoneNumber | None = None
    hukou_region_code: RecordRegionCode
    hukou_type: AreaType
    residence_region_code: RecordRegionCode
    residence_type: AreaType


class DeclarationCreate(_Body):
    """The applicant's declaration of the registration conditions."""

    unemployed: Flag
    able_to_work: Flag
    wants_work: Flag
    receiving_pension: Flag


class DeclarationRead(BaseModel):
    """The declaration as the applicant made it."""

    unemployed: bool
    able_to_work: bool
    wants_work: bool
    receiving_pension: bool


class CertificateCreate(_Body):
    """A vocational qualification or skill certificate."""

    name: Annotated[ShortText, Field(description="证书名称")]
    level: Annotated[str, StringConstraints(max_length=32)] | None = None
    number: Annotated[str, StringConstraints(max_length=64)] | None = None


class JobIntentionCreate(_Body):
    """A job the applicant wants (求职意向)."""

    occupation: ShortText
    region_code: RecordRegionCode | None = None
    min_monthly_wage_fen: Fen | None = None


class EmergencyContactCreate(_Body):
    """Someone to reach when the applicant cannot be reached."""

    name: ShortText
    phone: Annotated[str, StringConstraints(max_length=32)]
    relation: Annotated[str, StringConstraints(max_length=32)] | None = None


class MainlandEmploymentCreate(_Body):
    """The job in the mainland a Hong Kong, Macao or Taiwan resident lost (REG-ID-HMT)."""

    employer: ShortText = Field(description="用人单位 Employer in the mainland (内地/大陆)")
    region_code: RecordRegionCode = Field(description="就业地区 Region code of the place of work, a mainland division")
    started_on: date = Field(description="入职日期 First day of the job")
    ended_on: date = Field(description="离职日期 Last day of the job (the job was lost)")


Education = Literal[
    "none",
    "primary",
    "junior_secondary",
    "senior_secondary",
    "vocational_secondary",
    "technical_school",
    "junior_college",
    "bachelor",
    "master",
    "doctorate",
]
HealthStatus = Literal["healthy", "chronic_illness", "disabled"]


class RegistrationCreate(_Body):
    """POST /api/v1/registrations: the 就业失业登记表 as submitted."""

    person: PersonCreate
    channel: Channel
    agency_region_code: RecordRegionCode
    applied_at: BoundedDateTime
    declaration: DeclarationCreate
    unemployed_since: BoundedDate
    unemployment_reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ]
    commitment_signed: Flag
    education: Education | None = None
    health_status: HealthStatus | None = None
    disability_category: Annotated[str, StringConstraints(max_length=32)] | None = None
    disability_certificate_number: Annotated[str, StringConstraints(max_length=64)] | None = None
    skills: list[ShortText] = Field(default_factory=list, max_length=50)
    certificates: list[CertificateCreate] = Field(default_factory=list, max_length=50)
    job_intentions: list[JobIntentionCreate] = Field(default_factory=list, max_length=20)
    training_intentions: list[ShortText] = Field(default_factory=list, max_length=20)
    wants_startup_support: Flag = False
    claims_unemployment_insurance: Flag = False
    contact_address: Annotated[str, StringConstraints(max_length=300)] | None = None
    emergency_contact: EmergencyContactCreate | None = None
    mainland_employment: MainlandEmploymentCreate | None = Field(
        default=None,
        description=(
            "在内地（大陆）就业情况 Required for Hong Kong, Macao and Taiwan residents (a residence permit or "
            "travel permit): they may register only after losing a job held in the mainland (REG-ID-HMT)."
        ),
    )


class RegistrationDecisionCreate(_Body):
    """POST /api/v1/registrations/{id}/decision: a caseworker's decision on a pending registration."""

    approve: Flag
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class DeadlineRead(BaseModel):
    """REG-DEADLINE explanation of decision_due."""

    rule: Literal["REG-DEADLINE"] = "REG-DEADLINE"
    workdays: int
    source: str
    estimated: bool
    reason: str
    reason_zh: str


class VerificationRead(BaseModel):
    """Data comparison of the declaration; findings are shown to staff only."""

    state: str
    findings: list[dict[str, JsonValue]] | None
    home_visit_task_id: UUID | None


class DeregistrationRead(BaseModel):
    """A registration's deregistration."""

    reason: str
    reason_group: str
    effective_date: date
    note: str | None
    notify_person: bool
    notification_id: UUID | None
    false_information: bool
    deregistered_at: LocalDateTime
    deregistered_by: str


class RegistrationRead(BaseModel):
    """A registration as returned by the API."""

    id: UUID
    person_id: UUID
    status: RegistrationStatus
    channel: Channel
    agency_region_code: str
    applied_at: LocalDateTime
    decision_due: date
    deadline: DeadlineRead
    overdue: bool
    decided_at: LocalDateTime | None
    decided_by: str | None
    decision_reason: str | None
    registered_on: date | None
    person: PersonRead
    person_notes: list[PersonNote] = Field(default_factory=list)
    hukou_region_code: str
    hukou_type: str
    residence_region_code: str
    residence_type: str
    unemployed_since: date
    unemployment_reason: str
    education: str | None
    health_status: str | None
    disability_category: str | None
    skills: list[str]
    certificates: list[dict[str, JsonValue]]
    job_intentions: list[dict[str, JsonValue]]
    training_intentions: list[str]
    wants_startup_support: bool
    claims_unemployment_insurance: bool
    contact_address: str | None
    emergency_contact: dict[str, JsonValue] | None
    mainland_employment: dict[str, JsonValue] | None = None
    declaration: DeclarationRead
    commitment_signed: bool
    verification: VerificationRead
    deregistration: DeregistrationRead | None
    created_at: LocalDateTime


class RegistrationSummary(BaseModel):
    """A registration in a list."""

    id: UUID
    person_id: UUID
    id_number: str
    name: str
    status: RegistrationStatus
    channel: Channel
    agency_region_code: str
    applied_at: LocalDateTime
    decision_due: date
    overdue: bool
    registered_on: date | None
    created_at: LocalDateTime
