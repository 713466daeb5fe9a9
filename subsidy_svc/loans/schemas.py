"""Request and response models of granted startup loans (api.md POST /api/v1/startup-loans)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.codes import CreditCode
from shared.inputs import BoundedDate, Fen
from subsidy_svc.loans.models import BorrowerType, PeriodStatus, SubsidyPeriodKind
from subsidy_svc.skill_subsidy.schemas import RegionCode

_IN: Final = ConfigDict(frozen=True, extra="forbid")
_OUT: Final = ConfigDict(frozen=True, from_attributes=True)


class Lender(BaseModel):
    """The lending bank, which receives the interest subsidy."""

    model_config = _IN

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
        Field(description="银行名称"),
    ]
    account_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{8,32}$")]


class LoanCreate(BaseModel):
    """A granted loan to record (api.md); `borrower` is the evaluate body's applicant, passed to the
    eligibility service as it is. The agency region defaults to the caller's."""

    model_config = _IN

    borrower_type: BorrowerType
    borrower: dict[str, object]
    person_id: uuid.UUID | None = None
    credit_code: CreditCode | None = None
    lender: Lender
    contract_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    principal_fen: Annotated[Fen, Field(strict=True, gt=0)]
    annual_rate_bp: Annotated[int, Field(strict=True, ge=0, le=10_000)]
    lpr_bp: Annotated[int, Field(strict=True, ge=0, le=10_000)]
    start_date: BoundedDate
    term_months: Annotated[int, Field(strict=True, ge=1, le=600)]
    subsidy_period: SubsidyPeriodKind
    agency_region_code: RegionCode | None = None


class EarlyRepayment(BaseModel):
    """The day the loan was repaid in full before maturity."""

    model_config = _IN

    repaid_on: BoundedDate


class PeriodRead(BaseModel):
    """One period of the interest-subsidy schedule."""

    model_config = _OUT

    id: uuid.UUID
    number: int
    period_start: date
    due_on: date
    days: int
    interest_fen: int
    subsidy_fen: int
    status: PeriodStatus


class LoanRead(BaseModel):
    """A recorded loan with its schedule; the totals count the periods not cancelled."""

    model_config = _OUT

    id: uuid.UUID
    borrower_type: BorrowerType
    person_id: uuid.UUID | None
    credit_code: str | None
    contract_number: str
    agency_region_code: str
    principal_fen: int
    annual_rate_bp: int
    lpr_bp: int
    start_date: date
    term_months: int
    subsidy_period: SubsidyPeriodKind
    repaid_on: date | None
    rounding: str
    policy_pack: str
    periods: list[PeriodRead]
    total_interest_fen: int
    total_subsidy_fen: int
