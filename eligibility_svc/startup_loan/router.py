"""HTTP endpoints of the startup guaranteed loan: evaluation and interest-subsidy schedule (api.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from eligibility_svc.difficulty.schemas import json_body_openapi, parse_json_body
from eligibility_svc.startup_loan import service
from eligibility_svc.startup_loan.schemas import (
    InterestScheduleRead,
    InterestScheduleRequest,
    LoanEvaluationRead,
    StartupLoanEvaluateRequest,
)
from shared.auth import PrincipalDep

router = APIRouter(prefix="/startup-loan", tags=["startup-loan"])


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
    state = request.app.state
    return service.evaluate(body, state.policy, principal.region, state.calendar_holder.calendar)


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
    return service.interest_schedule(body, request.app.state.policy, principal.region)
