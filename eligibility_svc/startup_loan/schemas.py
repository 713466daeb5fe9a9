"""Request and response models of the startup-loan endpoints (api.md "Eligibility service")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import InitErrorDetails

from eligibility_svc.difficulty.schemas import (
    EARLIEST_BIRTH_DATE,
    RegionCode,
    date_range_violations,
    field_error,
    raise_field_errors,
    range_violation,
    region_violations,
)
from eligibility_svc.startup_loan.interest import InterestFrequency, Repayment
from eligibility_svc.startup_loan.rules import ApplicantType, DebtKind, KeyGroup
from shared.calendar import MIN_DATE
from shared.errors import Violation
from shared.explain import RuleResultRead as LoanRuleRead
from shared.explain import ViolationRead as LoanViolationRead
from shared.identity import Gender
from shared.inputs import BoundedDate, Flag
from shared.labels import field_zh, label_zh
from shared.timerules import add_months
from shared.wording import date_zh

_OUT: Final = ConfigDict(frozen=True, from_attributes=True)

# Upper bounds of what can be a real input; beyond them a value is a typing error, not a big loan.
MAX_AMOUNT_FEN: Final = 1_000_000_000_000  # 10,000,000,000 yuan
MAX_TERM_MONTHS: Final = 600
MAX_PEOPLE: Final = 10_000_000
MAX_PREVIOUS_LOANS: Final = 1_000
MAX_DEBTS: Final = 100
MAX_RATE_BP: Final = 10_000  # 100 % a year

# Counts and money are strict integers: "3" or 3.0 is rejected rather than coerced, and never a float.
Count = Annotated[int, Field(strict=True, ge=0)]
Fen = Annotated[int, Field(strict=True, gt=0)]

_INPUT = ConfigDict(frozen=True, extra="forbid")


class OtherDebt(BaseModel):
    """One outstanding loan of the applicant or the spouse."""

    model_config = _INPUT

    kind: DebtKind
    amount_fen: Fen


class IndividualApplicant(BaseModel):
    """An individual borrower (个人借款人)."""

    model_config = _INPUT

    gender: Gender
    birth_date: BoundedDate
    key_groups: tuple[KeyGroup, ...] = ()
    has_project: Flag
    business_registered_in_city: Flag
    business_registered_on: BoundedDate | None = None
    jobs_created: Count = 0  # people employed besides the borrower
    previous_loans: Count = 0
    other_debts: tuple[OtherDebt, ...] = ()


class EnterpriseApplicant(BaseModel):
    """A small or micro enterprise borrower (小微企业借款人)."""

    model_config = _INPUT

    registered_in_city: Flag
    staff_count: Annotated[int, Field(strict=True, ge=1)]
    # Key-group persons hired in the 12 months before applying with contracts of 1 year or more.
    new_key_group_hires_12m: Count
    serious_violation_record: Flag
    previous_loans: Count = 0


class StartupLoanRequest(BaseModel):
    """One startup-loan evaluation request (api.md POST /api/v1/startup-loan/evaluate)."""

    model_config = _INPUT

    as_of: BoundedDate
    applicant_type: ApplicantType
    individual: IndividualApplicant | None = None
    enterprise: EnterpriseApplicant | None = None
    requested_amount_fen: Fen
    requested_term_months: Annotated[int, Field(strict=True, ge=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors: list[InitErrorDetails] = []
        wanted, other = (
            ("individual", "enterprise")
            if self.applicant_type is ApplicantType.INDIVIDUAL
            else ("enterprise", "individual")
        )
        if getattr(self, wanted) is None:
            errors.append(
                field_error(
                    (wanted,),
                    "missing_applicant",
                    f"{wanted} is required when applicant_type is {self.applicant_type} / "
                    f"申请主体为{label_zh(self.applicant_type)}时须填写{field_zh(wanted)}",
                    None,
                )
            )
        if getattr(self, other) is not None:
            errors.append(
                field_error(
                    (other,),
                    "unexpected_applicant",
                    f"{other} must be omitted when applicant_type is {self.applicant_type} / "
                    f"申请主体为{label_zh(self.applicant_type)}时不应填写{field_zh(other)}",
                    other,
                )
            )
        person = self.individual
        if person is not None:
            if person.birth_date > self.as_of:
                errors.append(
                    field_error(
                        ("individual", "birth_date"),
                        "date_after_as_of",
                        f"birth_date {person.birth_date} is after as_of {self.as_of} / "
                        f"出生日期{date_zh(person.birth_date)}晚于评估日期{date_zh(self.as_of)}",
                        person.birth_date.isoformat(),
                    )
                )
            registered = person.business_registered_on
            if registered is not None and registered > self.as_of:
                errors.append(
                    field_error(
                        ("individual", "business_registered_on"),
                        "date_after_as_of",
                        f"business_registered_on {registered} is after as_of {self.as_of} / "
                        f"经营主体登记日期{date_zh(registered)}晚于评估日期{date_zh(self.as_of)}",
                        registered.isoformat(),
                    )
                )
        raise_field_errors("StartupLoanRequest", errors)
        return self



class StartupLoanEvaluateRequest(StartupLoanRequest):
    """The api.md body, plus the region whose policy pack applies (default: the caller's region)."""

    region_code: RegionCode | None = None


class LoanEvaluationRead(BaseModel):
    """The api.md answer, plus every rule checked, the share in basis points and the pack used."""

    model_config = _OUT

    eligible: bool
    applicant_type: ApplicantType
    max_amount_fen: int
    max_term_months: int
    violations: list[LoanViolationRead]
    rate_cap_bp_over_lpr: int
    # A share, not money: 5000 bp is exactly 0.5 as a JSON number.
    interest_subsidy_share: float
    interest_subsidy_share_bp: int
    rules: list[LoanRuleRead]
    policy_pack: str


def _at_most(field: str, value: int, limit: int) -> list[Violation]:
    if value <= limit:
        return []
    return [range_violation(
        field, f"{field} {value} is above {limit}, more than any real application",
        f"{field_zh(field)}{value}超过{limit}，超出实际可能的取值",
    )]


def loan_input_violations(body: StartupLoanEvaluateRequest) -> list[Violation]:
    """Returns every value of a parsed request that is out of range or unknown."""
    found = [
        *date_range_violations("as_of", body.as_of, None),
        *region_violations("region_code", body.region_code),
        *_at_most("requested_amount_fen", body.requested_amount_fen, MAX_AMOUNT_FEN),
        *_at_most("requested_term_months", body.requested_term_months, MAX_TERM_MONTHS),
    ]
    person = body.individual
    if person is not None:
        found += date_range_violations("individual.birth_date", person.birth_date, EARLIEST_BIRTH_DATE)
        # LOAN-NON-KEY counts the 3 years on the working-day calendar, which starts in 1949.
        found += date_range_violations("individual.business_registered_on", person.business_registered_on, MIN_DATE)
        found += _at_most("individual.jobs_created", person.jobs_created, MAX_PEOPLE)
        found += _at_most("individual.previous_loans", person.previous_loans, MAX_PREVIOUS_LOANS)
        found += _at_most("individual.other_debts", len(person.other_debts), MAX_DEBTS)
        for index, debt in enumerate(person.other_debts):
            found += _at_most(f"individual.other_debts.{index}.amount_fen", debt.amount_fen, MAX_AMOUNT_FEN)
    company = body.enterprise
    if company is not None:
        found += _at_most("enterprise.staff_count", company.staff_count, MAX_PEOPLE)
        found += _at_most("enterprise.new_key_group_hires_12m", company.new_key_group_hires_12m, MAX_PEOPLE)
        found += _at_most("enterprise.previous_loans", company.previous_loans, MAX_PREVIOUS_LOANS)
    return found


# ---- interest schedule -----------------------------------------------------------------------------


class LoanTermsRequest(BaseModel):
    """A loan to build a subsidy schedule for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    principal_fen: Annotated[int, Field(strict=True, gt=0)]
    annual_rate_bp: Annotated[int, Field(strict=True, ge=0)]
    term_months: Annotated[int, Field(strict=True, ge=1, le=600)]
    start_date: BoundedDate
    frequency: InterestFrequency = InterestFrequency.MONTHLY
    repayment: Repayment = Repayment.LUMP_SUM
    # Early repayment: the schedule ends on this date (after start_date, before maturity).
    repaid_on: date | None = None


class InterestScheduleRequest(LoanTermsRequest):
    """A loan and the LPR it is priced against; the pack's parameters in force on start_date apply."""

    lpr_bp: Annotated[int, Field(strict=True, ge=0, le=MAX_RATE_BP)]
    region_code: RegionCode | None = None


class InterestPeriodRead(BaseModel):
    """One interest period: accrual from period_start up to (not including) period_end."""

    model_config = _OUT

    number: int
    period_start: date
    period_end: date
    days: int
    principal_outstanding_fen: int
    principal_repaid_fen: int
    interest_fen: int
    subsidy_fen: int
    borrower_fen: int


class InterestScheduleRead(BaseModel):
    """The subsidy schedule (001 §五(二)3): each period's interest, the state's share and the borrower's."""

    model_config = _OUT

    rule: str
    source: str
    rate_cap_bp: int
    rate_cap_bp_over_lpr: int
    interest_subsidy_share: float
    interest_subsidy_share_bp: int
    day_count: str
    rounding: str
    rounding_zh: str
    periods: list[InterestPeriodRead]
    total_interest_fen: int
    total_subsidy_fen: int
    total_borrower_fen: int
    policy_pack: str


def interest_input_violations(body: InterestScheduleRequest) -> list[Violation]:
    """Returns every value of a parsed schedule request that is out of range or unknown."""
    early: list[Violation] = []
    if body.repaid_on is not None:
        maturity = add_months(body.start_date, body.term_months)
        if not body.start_date < body.repaid_on < maturity:
            early.append(range_violation(
                "repaid_on", f"repaid_on {body.repaid_on} must be after start_date {body.start_date} and before "
                f"maturity {maturity}",
                f"提前还款日期 {body.repaid_on} 须晚于放款日 {body.start_date} 且早于到期日 {maturity}",
            ))
    return [
        *early,
        *date_range_violations("start_date", body.start_date, None),
        *region_violations("region_code", body.region_code),
        *_at_most("principal_fen", body.principal_fen, MAX_AMOUNT_FEN),
        *_at_most("annual_rate_bp", body.annual_rate_bp, MAX_RATE_BP),
    ]
