"""Request and response bodies of the certification workflow (api.md "Eligibility service (8003):
certification workflow")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from eligibility_svc.certification.models import (
    ApplicationStatus,
    CandidateStatus,
    CertificationStatus,
    DecisionKind,
    DecisionStep,
    ExitReason,
    ReviewStatus,
    VerificationMethod,
)
from eligibility_svc.difficulty.schemas import (
    DifficultyEvaluationRead,
    DifficultyFacts,
    DifficultyPerson,
    EmploymentStatus,
    RegionCode,
)
from shared.clients.registration import AgencyContact
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate, PhoneNumber

_INPUT = ConfigDict(extra="forbid")

IdType = Literal[
    "resident_id", "social_security_card", "residence_permit", "hk_macao_travel_permit", "taiwan_travel_permit"
]
Tier = Literal["II", "III"]


class ApplicationPerson(DifficultyPerson):
    """The applicant: the evaluation's person plus the identity the registry keys them by."""

    id_type: IdType
    id_number: str = Field(min_length=6, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    phone: PhoneNumber | None = None
    residence_region_code: RegionCode | None = None


class ApplicationCreate(BaseModel):
    """Body of POST /difficulty/applications: the evaluate body plus the application's own fields."""

    model_config = _INPUT

    applied_on: BoundedDate
    # The town office receiving the application.
    agency_region_code: RegionCode
    person: ApplicationPerson
    status: Annotated[EmploymentStatus, Field(description="就业状态")]
    facts: DifficultyFacts = Field(default_factory=DifficultyFacts)
    materials: list[str] = Field(default_factory=list, max_length=50)
    # The evaluate body's date; an application is evaluated on applied_on, so a different as_of is refused.
    as_of: BoundedDate | None = None


class MaterialsAdd(BaseModel):
    """Body of POST .../{id}/materials: materials now provided."""

    model_config = _INPUT

    materials: list[str] = Field(min_length=1, max_length=50)
    received_on: BoundedDate | None = None


class PreliminaryReview(BaseModel):
    """Body of POST .../{id}/preliminary-review (town caseworker)."""

    model_config = _INPUT

    decision: Literal["pass", "reject"]
    reason: str = Field(min_length=1, max_length=2000)
    reviewed_on: BoundedDate


class ObjectionCreate(BaseModel):
    """Body of POST .../{id}/objections."""

    model_config = _INPUT

    received_on: BoundedDate
    content: str = Field(min_length=1, max_length=4000)


class CertificationDecision(BaseModel):
    """Body of POST .../{id}/certification (reviewer of the county or above)."""

    model_config = _INPUT

    decision: Literal["certify", "reject"]
    reason: str = Field(min_length=1, max_length=2000)
    reason_zh: str | None = Field(default=None, max_length=2000)
    decided_on: BoundedDate
    tier: Tier | None = None
    objection_finding: str | None = Field(default=None, max_length=4000)


class RereviewRequest(BaseModel):
    """Body of POST .../{id}/re-review."""

    model_config = _INPUT

    requested_on: BoundedDate
    grounds: str = Field(min_length=1, max_length=4000)


class ExitCreate(BaseModel):
    """Body of POST /difficulty/certifications/{id}/exit (DIFF-EXIT)."""

    model_config = _INPUT

    reason: ExitReason
    effective_date: BoundedDate
    note: str = Field(default="", max_length=2000)


class ReviewResult(BaseModel):
    """Body of POST /difficulty/reviews/{id}/result (DIFF-QUARTERLY)."""

    model_config = _INPUT

    result: Literal["confirmed", "no_longer_eligible"]
    method: VerificationMethod
    verified_on: BoundedDate
    reason: str = Field(min_length=1, max_length=2000)


class CandidateUpdate(BaseModel):
    """Body of POST /difficulty/screening/candidates/{id}."""

    model_config = _INPUT

    status: Literal["invited", "declined"]


# ---- responses -------------------------------------------------------------------------------------


class MissingMaterial(BaseModel):
    """A material still to be shown (DIFF-MATERIALS)."""

    code: str
    name: Annotated[str, Field(description="材料名称（英文）")]
    name_zh: str
    source: str


class FactUsedRead(BaseModel):
    """Which value of a registration fact the evaluation used, declared or registered, and why."""

    fact: str
    declared: JsonValue
    registered: Annotated[JsonValue, Field(description="登记系统中的值")]
    used: Literal["declared", "registration"]
    reason: str
    reason_zh: str


class StepRead(BaseModel):
    """One step of the workflow: its rule, due date, actual date and whether it is overdue."""

    step: Literal["preliminary_review", "public_notice", "certification", "re_review_request"]
    rule: str
    due: date | None
    actual: date | None
    overdue: bool
    estimated: bool
    source: str | None


class ObjectionRead(BaseModel):
    """An objection received during the notice."""

    id: UUID
    received_on: date
    content: str
    recorded_by: str


class DecisionRead(BaseModel):
    """A decision with the rule results it was made on."""

    step: DecisionStep
    decision: DecisionKind
    decided_on: date
    reason: str
    objection_finding: str | None
    tier: str | None
    policy_pack: str
    evaluation: DifficultyEvaluationRead
    decided_by: str


class CertificateRead(BaseModel):
    """The certificate of a certified application."""

    id: UUID
    number: str
    certified_on: date
    categories: list[str]
    tier: str
    status: CertificationStatus
    ended_on: date | None
    exit_reason: ExitReason | None


class RejectionNoticeRead(BaseModel):
    """不予认定就业困难人员告知书 (DIFF-REJECTION) as JSON."""

    application_id: UUID
    applicant_name: str
    agency_region_code: str
    issued_on: date
    reason: str
    reason_zh: str
    rereview_by: date
    rule: Literal["DIFF-REJECTION"] = "DIFF-REJECTION"
    source: str
    agency: AgencyContact | None = Field(
        None,
        description="作出决定的公共就业服务机构（名称、地址、联系电话），取自登记服务的机构名录；未登记或暂不可查时为空",
    )


class ApplicationRead(BaseModel):
    """An application with its evaluation, every step's due and actual date, objections and decisions."""

    id: UUID
    person_id: UUID
    applicant_name: str
    agency_region_code: str
    status: ApplicationStatus
    applied_on: date
    materials: list[str]
    missing_materials: list[MissingMaterial]
    evaluation: DifficultyEvaluationRead
    facts_used: list[FactUsedRead]
    preliminary_review_due: date | None
    notice_start: date | None
    notice_end: date | None
    review_due: date | None
    steps: list[StepRead]
    objections: list[ObjectionRead]
    decisions: list[DecisionRead]
    certificate: CertificateRead | None
    rejection_notice: RejectionNoticeRead | None
    created_at: LocalDateTime


class ApplicationSummary(BaseModel):
    """An application in a list."""

    id: UUID
    person_id: UUID
    applicant_name: str
    agency_region_code: str
    status: ApplicationStatus
    applied_on: date
    preliminary_review_due: date | None
    notice_end: date | None
    review_due: date | None
    overdue: bool
    created_at: LocalDateTime


class CertificationRead(BaseModel):
    """A certification in a list or after an exit."""

    id: UUID
    certificate_number: str
    application_id: UUID
    person_id: UUID
    agency_region_code: str
    categories: list[str]
    tier: str
    certified_on: date
    retirement_date: date
    status: CertificationStatus
    ended_on: date | None
    exit_reason: ExitReason | None
    exit_note: str | None
    created_at: LocalDateTime


class StatusRead(BaseModel):
    """Whether a person was certified on a date (for the subsidy and follow-up services)."""

    person_id: UUID
    on: date
    certified: bool
    certificate_number: str | None
    categories: list[str]
    tier: str | None
    certified_on: date | None
    ended_on: date | None


class ReviewRead(BaseModel):
    """A quarterly review item (DIFF-QUARTERLY)."""

    id: UUID
    certification_id: UUID
    person_id: UUID
    quarter: str
    agency_region_code: str
    reasons: list[dict[str, JsonValue]]
    report_due: date
    overdue: bool
    status: ReviewStatus
    method: VerificationMethod | None
    verified_on: date | None
    result_reason: str | None
    created_at: LocalDateTime


class CandidateRead(BaseModel):
    """A screening candidate (DIFF-SCREENING)."""

    id: UUID
    person_id: UUID
    registration_id: UUID
    agency_region_code: str
    categories: list[str]
    reasons: list[dict[str, JsonValue]]
    status: CandidateStatus
    listed_on: date
    created_at: LocalDateTime
