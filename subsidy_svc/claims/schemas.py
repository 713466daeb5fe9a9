"""Request and response models of skill-subsidy claims (api.md "Subsidy service (8004)")."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.inputs import BoundedDate, Flag, PhoneNumber
from subsidy_svc.catalogue.schemas import Level, OccupationCode
from subsidy_svc.claims.models import AllowanceGroup, ClaimStatus, ObjectionStatus, PlaceBasis, ReviewDecision
from subsidy_svc.skill_subsidy.schemas import RegionCode

_IN: Final = ConfigDict(frozen=True, extra="forbid")
_OUT: Final = ConfigDict(frozen=True)

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Applicant(BaseModel):
    """Who claims: identified in the person registry by the identity document."""

    model_config = _IN

    id_type: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    id_number: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    name: Text100
    phone: PhoneNumber | None = None


class Certificate(BaseModel):
    """The skill certificate claimed for."""

    model_config = _IN

    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    occupation_code: OccupationCode
    level: Level
    issued_on: BoundedDate


class BankAccount(BaseModel):
    """Where the money goes: an account in the applicant's own name (SUB-ACCOUNT)."""

    model_config = _IN

    bank_name: Text100
    account_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{8,32}$")]
    account_name: Text100


class LivingAllowanceRequest(BaseModel):
    """Whether the one-off living allowance is asked for, for which group (graduation date for 两后生)."""

    model_config = _IN

    requested: Flag
    group: AllowanceGroup | None = None
    graduated_on: BoundedDate | None = None


class ClaimCreate(BaseModel):
    """A skill-subsidy claim (POST /api/v1/skill-subsidy/claims)."""

    model_config = _IN

    applicant: Applicant
    certificate: Certificate
    applied_on: BoundedDate
    place_basis: PlaceBasis
    agency_region_code: RegionCode
    bank_account: BankAccount
    living_allowance: LivingAllowanceRequest = LivingAllowanceRequest(requested=False)


class AllowanceDecisionRead(BaseModel):
    """The living-allowance decision: granted or not, the deciding rule and why."""

    model_config = _OUT

    granted: bool
    rule: str
    reason: str
    reason_zh: str


class StepRead(BaseModel):
    """One step of the timeline: due date, actual date and whether it is (or was) overdue."""

    model_config = _OUT

    rule: str
    due: date | None
    actual: date | None
    overdue: bool


class ObjectionRead(BaseModel):
    """An objection raised during the public notice."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: uuid.UUID
    received_on: date
    content: str
    status: ObjectionStatus
    decided_on: date | None
    decision_reason: str | None


class ClaimRead(BaseModel):
    """A claim: api.md's fields first, then every step's due, actual date and overdue flag."""

    model_config = _OUT

    id: uuid.UUID
    status: ClaimStatus
    subsidy_fen: int
    living_allowance_fen: int
    living_allowance_decision: AllowanceDecisionRead
    review_due: date
    person_id: uuid.UUID
    certificate_number: str
    occupation_code: str
    level: int
    issued_on: date
    applied_on: date
    agency_region_code: str
    catalogue_effective_from: date
    reviewed_on: date | None
    review_decision: ReviewDecision | None
    review_reason: str | None
    notice_start: date | None
    notice_end: date | None
    payment_due: date | None
    paid_on: date | None
    steps: dict[str, StepRead]
    overdue: bool
    objections: list[ObjectionRead]


class ReviewCreate(BaseModel):
    """The reviewer's opinion (SUB-REVIEW)."""

    model_config = _IN

    decision: ReviewDecision
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    reviewed_on: BoundedDate


class ObjectionCreate(BaseModel):
    """An objection received during the public notice (SUB-NOTICE)."""

    model_config = _IN

    received_on: BoundedDate
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ObjectionDecision(BaseModel):
    """A reviewer's finding on an objection: upheld rejects the claim, dismissed lets it be paid."""

    model_config = _IN

    upheld: Flag
    decided_on: BoundedDate
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class OverdueReport(BaseModel):
    """Claims with a step overdue on a date, by region and step (reported upward)."""

    model_config = _OUT

    on: date
    by_region: dict[str, dict[str, int]]
    total: int
    newly_flagged: int
    made_payable: int
