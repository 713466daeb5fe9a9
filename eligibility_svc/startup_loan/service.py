"""Startup-loan use cases: evaluating a borrower and building an interest-subsidy schedule under a region's pack."""

from __future__ import annotations

from typing import Final

from eligibility_svc.difficulty.schemas import invalid_request, policy_not_in_force
from eligibility_svc.errors import InvalidEvaluationRequest, RateAboveCap
from eligibility_svc.startup_loan.interest import (
    DAY_COUNT_BASIS,
    RATE_SOURCE,
    InterestPeriod,
    LoanTerms,
    RateAboveCapError,
    rate_cap_bp,
    subsidy_schedule,
)
from eligibility_svc.startup_loan.rules import (
    ApplicantType,
    Debt,
    EnterpriseBorrower,
    IndividualBorrower,
    LoanApplication,
    LoanEvaluation,
    evaluate_startup_loan,
)
from eligibility_svc.startup_loan.schemas import (
    InterestPeriodRead,
    InterestScheduleRead,
    InterestScheduleRequest,
    LoanEvaluationRead,
    LoanTermsRequest,
    StartupLoanEvaluateRequest,
    StartupLoanRequest,
    interest_input_violations,
    loan_input_violations,
)
from shared.calendar import TimeRuleError, WorkdayCalendar
from shared.errors import Violation
from shared.explain import RuleResult, RuleResultRead, ViolationRead
from shared.labels import field_zh
from shared.policy import ParameterNotInForceError, PolicyRegistry

ROUNDING: Final[tuple[str, str]] = (
    "Each period's interest = outstanding principal x annual rate x days / 360 (actual/360), computed "
    "exactly and rounded half up to the fen once; the subsidy is cumulative: the subsidy paid up to each "
    "period is the share of all interest up to it, rounded half up to the fen once, so the total subsidy is "
    "exactly the share of the total interest rounded once; the borrower pays the rest, so subsidy + borrower "
    "= interest in every period.",
    "每期利息 = 剩余本金 × 年利率 × 实际天数 / 360，精确计算后四舍五入到分；贴息按累计计算：截至每期的累计贴息 = "
    "截至该期的累计利息 × 贴息比例，四舍五入到分，当期贴息为累计贴息之差，因此贴息总额恰为利息总额 × 贴息比例"
    "（只舍入一次）；其余由借款人承担，贴息与借款人部分之和等于当期利息。",
)


def loan_application(body: StartupLoanRequest) -> LoanApplication:
    """Returns the rules' plain input for a parsed request (which holds exactly one applicant)."""
    borrower: IndividualBorrower | EnterpriseBorrower
    if body.individual is not None:
        person = body.individual
        borrower = IndividualBorrower(
            gender=person.gender,
            birth_date=person.birth_date,
            key_groups=person.key_groups,
            has_project=person.has_project,
            business_registered_in_city=person.business_registered_in_city,
            business_registered_on=person.business_registered_on,
            jobs_created=person.jobs_created,
            previous_loans=person.previous_loans,
            other_debts=tuple(Debt(kind=debt.kind, amount_fen=debt.amount_fen) for debt in person.other_debts),
        )
    elif body.enterprise is not None:
        company = body.enterprise
        borrower = EnterpriseBorrower(
            registered_in_city=company.registered_in_city,
            staff_count=company.staff_count,
            new_key_group_hires_12m=company.new_key_group_hires_12m,
            serious_violation_record=company.serious_violation_record,
            previous_loans=company.previous_loans,
        )
    else:  # pragma: no cover - the request model requires one applicant
        raise ValueError("no applicant")
    return LoanApplication(
        as_of=body.as_of,
        borrower=borrower,
        requested_amount_fen=body.requested_amount_fen,
        requested_term_months=body.requested_term_months,
    )


def loan_terms(body: LoanTermsRequest) -> LoanTerms:
    """Returns the schedule's plain input for parsed loan terms."""
    return LoanTerms(
        principal_fen=body.principal_fen,
        annual_rate_bp=body.annual_rate_bp,
        term_months=body.term_months,
        start_date=body.start_date,
        frequency=body.frequency,
        repayment=body.repayment,
        repaid_on=body.repaid_on,
    )


def _violation(result: RuleResult) -> ViolationRead:
    return ViolationRead(
        rule=result.rule, field=result.field, message=result.reason, message_zh=result.reason_zh,
        source=result.source,
    )


def evaluation_read(evaluation: LoanEvaluation, applicant_type: ApplicantType) -> LoanEvaluationRead:
    """Returns the response of an evaluation: the limits from the pack and every failing rule."""
    return LoanEvaluationRead(
        eligible=evaluation.eligible,
        applicant_type=applicant_type,
        max_amount_fen=evaluation.max_amount_fen,
        max_term_months=evaluation.max_term_months,
        violations=[_violation(result) for result in evaluation.rules if not result.met],
        rate_cap_bp_over_lpr=evaluation.rate_cap_bp_over_lpr,
        interest_subsidy_share=evaluation.interest_subsidy_share_bp / 10_000,
        interest_subsidy_share_bp=evaluation.interest_subsidy_share_bp,
        rules=[RuleResultRead.model_validate(result) for result in evaluation.rules],
        policy_pack=evaluation.pack_id,
    )


def evaluate(
    body: StartupLoanEvaluateRequest, registry: PolicyRegistry, caller_region: str, calendar: WorkdayCalendar
) -> LoanEvaluationRead:
    """Evaluates a parsed request under the pack of region_code (else the caller's region) on as_of.

    Raises a 422 problem for values out of range, for an as_of before the pack's parameters are in
    force, and for a business registration whose 3 years run past the calendar.
    """
    violations = loan_input_violations(body)
    if violations:
        raise invalid_request(violations)
    pack = registry.for_region(body.region_code or caller_region)
    try:
        evaluation = evaluate_startup_loan(loan_application(body), pack, calendar)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.as_of, "as_of", exc) from None
    except TimeRuleError as exc:
        # Only LOAN-NON-KEY counts on the calendar: its 3 years from the registration run past 2150.
        field = "individual.business_registered_on"
        raise InvalidEvaluationRequest(
            exc.message, exc.message_zh,
            [Violation(exc.rule, field, f"{field}: {exc.message}", f"{field_zh(field)}：{exc.message_zh}")],
        ) from None
    return evaluation_read(evaluation, body.applicant_type)


def _period_read(period: InterestPeriod) -> InterestPeriodRead:
    return InterestPeriodRead.model_validate(period)


def interest_schedule(
    body: InterestScheduleRequest, registry: PolicyRegistry, caller_region: str
) -> InterestScheduleRead:
    """Returns each period's interest, the state's subsidy and the borrower's part, in fen (LOAN-RATE).

    The pack is region_code's (else the caller's region's) with the parameters in force on
    start_date; raises a 422 problem for values out of range, for a start_date before the pack is in
    force, and for a rate above LPR + the pack's cap (LOAN-RATE).
    """
    violations = interest_input_violations(body)
    if violations:
        raise invalid_request(violations)
    pack = registry.for_region(body.region_code or caller_region)
    try:
        params = pack.params(body.start_date)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.start_date, "start_date", exc) from None
    try:
        periods = subsidy_schedule(loan_terms(body), lpr_bp=body.lpr_bp, params=params)
    except RateAboveCapError as exc:
        raise RateAboveCap(
            exc.message, exc.message_zh,
            [Violation(exc.rule, "annual_rate_bp", f"{exc.message} ({RATE_SOURCE})",
                       f"{exc.message_zh}（{RATE_SOURCE}）")],
        ) from None
    interest = sum(period.interest_fen for period in periods)
    subsidy = sum(period.subsidy_fen for period in periods)
    return InterestScheduleRead(
        rule="LOAN-RATE",
        source=RATE_SOURCE,
        rate_cap_bp=rate_cap_bp(body.lpr_bp, params),
        rate_cap_bp_over_lpr=params.loan_rate_cap_over_lpr_bp,
        interest_subsidy_share=params.loan_interest_subsidy_share_bp / 10_000,
        interest_subsidy_share_bp=params.loan_interest_subsidy_share_bp,
        day_count=f"actual/{DAY_COUNT_BASIS}",
        rounding=ROUNDING[0],
        rounding_zh=ROUNDING[1],
        periods=[_period_read(period) for period in periods],
        total_interest_fen=interest,
        total_subsidy_fen=subsidy,
        total_borrower_fen=interest - subsidy,
        policy_pack=pack.id,
    )
