"""HTTP endpoints of the startup guaranteed loan: evaluation and interest-subsidy schedule (api.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from eligibility_svc.difficulty.schemas import (
    invalid_request,
    json_body_openapi,
    parse_json_body,
    policy_not_in_force,
)
from eligibility_svc.startup_loan.interest import (
    DAY_COUNT_BASIS,
    RATE_SOURCE,
    RateAboveCapError,
    rate_cap_bp,
    subsidy_schedule,
)
from eligibility_svc.startup_loan.rules import evaluate_startup_loan
from eligibility_svc.startup_loan.schemas import (
    InterestScheduleRead,
    InterestScheduleRequest,
    LoanEvaluationRead,
    StartupLoanEvaluateRequest,
    evaluation_read,
    interest_input_violations,
    loan_input_violations,
    schedule_periods,
)
from shared.auth import PrincipalDep
from shared.calendar import TimeRuleError, WorkdayCalendar
from shared.errors import ProblemError, Violation
from shared.policy import ParameterNotInForceError, PolicyRegistry

router = APIRouter(prefix="/startup-loan", tags=["startup-loan"])

ROUNDING: tuple[str, str] = (
    "Each period's interest = outstanding principal x annual rate x days / 360 (actual/360), computed "
    "exactly and rounded half up to the fen once; the subsidy is the share of that rounded interest, "
    "rounded half up to the fen; the borrower pays the rest, so subsidy + borrower = interest.",
    "每期利息 = 剩余本金 × 年利率 × 实际天数 / 360，精确计算后四舍五入到分；贴息 = 该期利息 × 贴息比例，"
    "四舍五入到分；其余由借款人承担，贴息与借款人部分之和等于当期利息。",
)


@router.post(
    "/evaluate",
    response_model=LoanEvaluationRead,
    openapi_extra=json_body_openapi(StartupLoanEvaluateRequest),
)
async def evaluate(request: Request, principal: PrincipalDep) -> LoanEvaluationRead:
    """Evaluates every LOAN-* rule for an individual or a small/micro enterprise and lists all that fail.

    The policy pack is region_code's when given, else the caller's region's, with the parameters in
    force on as_of; the limits, the rate cap and the subsidy share come from it. Stateless.
    """
    body = parse_json_body(StartupLoanEvaluateRequest, await request.body())
    violations = loan_input_violations(body)
    if violations:
        raise invalid_request(violations)
    registry: PolicyRegistry = request.app.state.policy
    pack = registry.for_region(body.region_code or principal.region)
    calendar: WorkdayCalendar = request.app.state.calendar_holder.calendar
    try:
        evaluation = evaluate_startup_loan(body, pack, calendar)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.as_of, "as_of", exc) from None
    except TimeRuleError as exc:
        # Only LOAN-NON-KEY counts on the calendar: its 3 years from the registration run past 2150.
        field = "individual.business_registered_on"
        raise ProblemError(
            422, "request.invalid", "Invalid request", exc.message, exc.message_zh,
            [Violation(exc.rule, field, f"{field}: {exc.message}", f"{field}：{exc.message_zh}")],
        ) from None
    return evaluation_read(evaluation, body.applicant_type)


@router.post(
    "/interest-schedule",
    response_model=InterestScheduleRead,
    openapi_extra=json_body_openapi(InterestScheduleRequest),
)
async def interest_schedule(request: Request, principal: PrincipalDep) -> InterestScheduleRead:
    """Returns each period's interest, the state's subsidy and the borrower's part, in fen (LOAN-RATE).

    The pack is region_code's when given, else the caller's region's, with the parameters in force
    on start_date; a rate above LPR + the pack's cap is refused (422, LOAN-RATE).
    """
    body = parse_json_body(InterestScheduleRequest, await request.body())
    violations = interest_input_violations(body)
    if violations:
        raise invalid_request(violations)
    registry: PolicyRegistry = request.app.state.policy
    pack = registry.for_region(body.region_code or principal.region)
    try:
        params = pack.params(body.start_date)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.start_date, "start_date", exc) from None
    try:
        periods = subsidy_schedule(body, lpr_bp=body.lpr_bp, params=params)
    except RateAboveCapError as exc:
        raise ProblemError(
            422, "startup_loan.rate_above_cap", "Rate above the cap", exc.message, exc.message_zh,
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
        periods=schedule_periods(periods),
        total_interest_fen=interest,
        total_subsidy_fen=subsidy,
        total_borrower_fen=interest - subsidy,
        policy_pack=pack.id,
    )
