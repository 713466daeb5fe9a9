"""Request and response bodies of the ledger endpoints (api.md "Follow-up service (8002): ledger")."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from followup_svc.first_contact.models import FollowupMethod
from followup_svc.ledger.models import ContactResult, EmploymentStatus, EntryStatus
from followup_svc.ledger.rules import MONTH_PATTERN
from shared.clock import LocalDateTime
from shared.codes import CreditCode
from shared.inputs import BoundedDate, Fen, Flag


class Employer(BaseModel):
    """The employer a hired person works for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="用人单位名称")
    credit_code: CreditCode | None = None


class EmployerRead(BaseModel):
    """The employer a hired person works for, as recorded."""

    name: Annotated[str, Field(description="用人单位名称")]
    credit_code: str | None


class ContactCreate(BaseModel):
    """Body of POST /ledger/{entry_id}/contacts."""

    model_config = ConfigDict(extra="forbid")

    method: FollowupMethod
    contacted_on: BoundedDate
    result: ContactResult
    refusal_justified: Flag = False
    employment_status: EmploymentStatus | None = None
    monthly_income_fen: Fen | None = None
    employer: Employer | None = None
    note: str = Field(default="", max_length=2000)


class DeregistrationRequested(BaseModel):
    """The deregistration a contact asked the registration service for, and the rule that asked."""

    reason: str
    effective_date: date
    rule: str
    reason_explained: str
    reason_explained_zh: str
    source: str


class ContactRead(BaseModel):
    """A contact as the API shows it."""

    id: UUID
    entry_id: UUID
    registration_id: UUID
    method: FollowupMethod
    contacted_on: date
    result: ContactResult
    refusal_justified: bool
    employment_status: EmploymentStatus | None
    monthly_income_fen: int | None
    employer: EmployerRead | None
    note: str
    recorded_by: str
    recorded_at: LocalDateTime
    deregistration_requested: DeregistrationRequested | None


class RegistrationRequest(BaseModel):
    """The one deregistration the follow-up requested for the registration, if any."""

    reason: str
    effective_date: date
    rule: str


class EntryRead(BaseModel):
    """A ledger entry: one registration's follow-up in one month."""

    id: UUID
    registration_id: UUID
    person_id: UUID
    month: str
    agency_region_code: str
    status: EntryStatus
    due_on: date
    at_risk: bool
    closed: bool
    first_contacted_on: date | None
    attempts: int
    contacts: list[ContactRead]
    deregistration_requested: RegistrationRequest | None
    registration_ended_on: date | None
    registration_end_reason: str | None


class MonthBody(BaseModel):
    """Body of POST /data-match/runs."""

    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=MONTH_PATTERN)


class CoverageCounts(BaseModel):
    """Entries of a region in a month by state, and the share contacted."""

    region: str
    required: int
    contacted: int
    attempted: int
    pending: int
    missed: int
    unreachable: int
    ended: int
    coverage: float


class CoverageRead(CoverageCounts):
    """Coverage of a region in a month, and of each region one level down (T-REGION)."""

    month: str
    by_region: list[CoverageCounts]
