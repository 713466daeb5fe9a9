"""HTTP endpoint of the employment-difficulty evaluation (api.md "Eligibility service")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from eligibility_svc.difficulty.rules import DifficultyRequest, evaluate_difficulty
from eligibility_svc.difficulty.schemas import (
    DifficultyEvaluationRead,
    difficulty_input_violations,
    evaluation_read,
    invalid_request,
    json_body_openapi,
    parse_json_body,
    policy_not_in_force,
)
from shared.auth import PrincipalDep
from shared.calendar import TimeRuleError
from shared.errors import ProblemError, Violation
from shared.policy import ParameterNotInForceError, PolicyRegistry

router = APIRouter(prefix="/difficulty", tags=["difficulty"])


@router.post(
    "/evaluate",
    response_model=DifficultyEvaluationRead,
    openapi_extra=json_body_openapi(DifficultyRequest),
)
async def evaluate(request: Request, principal: PrincipalDep) -> DifficultyEvaluationRead:
    """Evaluates ELIG-HUKOU, ELIG-AGE, ELIG-UNEMPLOYED, ELIG-ABLE, ELIG-WILLING and the 12 categories.

    The policy pack is the agency region's when agency_region_code is given, else the hukou region's,
    with the parameters in force on as_of. Stateless: no database, no I/O.
    """
    # Parsed here rather than as a FastAPI body parameter: strict JSON validation in one pass.
    body = parse_json_body(DifficultyRequest, await request.body())
    violations = difficulty_input_violations(body)
    if violations:
        raise invalid_request(violations)
    registry: PolicyRegistry = request.app.state.policy
    pack = registry.for_region(body.agency_region_code or body.person.hukou_region_code)
    try:
        evaluation = evaluate_difficulty(body, pack)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.as_of, "as_of", exc) from None
    except TimeRuleError as exc:  # pragma: no cover - the input checks keep every date countable
        raise ProblemError(
            422, "request.invalid", "Invalid request", exc.message, exc.message_zh,
            [Violation(exc.rule, "as_of", exc.message, exc.message_zh)],
        ) from None
    return evaluation_read(evaluation)
