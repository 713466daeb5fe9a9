"""HTTP endpoint of the employment-difficulty evaluation (api.md "Eligibility service")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from eligibility_svc.difficulty import service
from eligibility_svc.difficulty.schemas import (
    DifficultyEvaluationRead,
    DifficultyRequest,
    json_body_openapi,
    parse_json_body,
)
from shared.auth import PrincipalDep

router = APIRouter(prefix="/difficulty", tags=["difficulty"])


@router.post(
    "/evaluate",
    response_model=DifficultyEvaluationRead,
    openapi_extra=json_body_openapi(DifficultyRequest),
)
async def evaluate(request: Request, principal: PrincipalDep) -> DifficultyEvaluationRead:
    """Evaluates ELIG-HUKOU, ELIG-AGE, ELIG-UNEMPLOYED, ELIG-ABLE, ELIG-WILLING and the 12 categories.

    The office region is agency_region_code, else a staff caller's own region (an assumption the answer
    reports); the policy pack is the office region's, else the hukou region's, with the parameters in
    force on as_of. Stateless: no database, no I/O.
    """
    # Parsed here rather than as a FastAPI body parameter: strict JSON validation in one pass.
    body = parse_json_body(DifficultyRequest, await request.body())
    return service.evaluate(body, request.app.state.policy, principal)
