"""The difficulty evaluation use case: checks a parsed request, evaluates it under its region's pack, answers."""

from __future__ import annotations

from eligibility_svc.difficulty.rules import (
    CategoryFacts,
    DeclaredStatus,
    DifficultyCase,
    DifficultyEvaluation,
    Person,
    evaluate_difficulty,
)
from eligibility_svc.difficulty.schemas import (
    DifficultyEvaluationRead,
    DifficultyRequest,
    difficulty_input_violations,
    invalid_request,
    policy_not_in_force,
)
from eligibility_svc.errors import InvalidEvaluationRequest
from shared.calendar import TimeRuleError
from shared.errors import Violation
from shared.policy import ParameterNotInForceError, PolicyRegistry


def difficulty_case(body: DifficultyRequest) -> DifficultyCase:
    """Returns the rules' plain input for a parsed request."""
    person, status, facts = body.person, body.status, body.facts
    return DifficultyCase(
        as_of=body.as_of,
        person=Person(
            gender=person.gender,
            birth_date=person.birth_date,
            retirement_category=person.retirement_category,
            hukou_region_code=person.hukou_region_code,
            hukou_type=person.hukou_type,
        ),
        status=DeclaredStatus(
            unemployed=status.unemployed, able_to_work=status.able_to_work, wants_work=status.wants_work
        ),
        facts=CategoryFacts(
            disability_certificate=facts.disability_certificate,
            subsistence_allowance=facts.subsistence_allowance,
            urban_zero_employment_family=facts.urban_zero_employment_family,
            rural_zero_transfer_poor_family=facts.rural_zero_transfer_poor_family,
            landless_farmer=facts.landless_farmer,
            latest_registration_date=facts.latest_registration_date,
            employed_since_latest_registration=facts.employed_since_latest_registration,
            drug_rehabilitated=facts.drug_rehabilitated,
            released_prisoner=facts.released_prisoner,
            mental_disorder_rehabilitated=facts.mental_disorder_rehabilitated,
            retired_soldier=facts.retired_soldier,
            supports_critically_ill_relative=facts.supports_critically_ill_relative,
            critical_illness_diagnosed_on=facts.critical_illness_diagnosed_on,
        ),
        agency_region_code=body.agency_region_code,
    )


def evaluation_read(evaluation: DifficultyEvaluation) -> DifficultyEvaluationRead:
    """Returns the response model of an evaluation."""
    # One validation of the whole answer: pydantic reads the nested result dataclasses by attribute.
    return DifficultyEvaluationRead.model_validate(
        {
            "eligible": evaluation.eligible,
            "categories_met": evaluation.categories_met,
            "base_rules": evaluation.base_rules,
            "categories": evaluation.categories,
            "retirement_date": evaluation.retirement_date,
            "required_materials": evaluation.required_materials,
            "retirement_category": evaluation.retirement_category,
            "policy_pack": evaluation.pack_id,
        }
    )


def evaluate(body: DifficultyRequest, registry: PolicyRegistry) -> DifficultyEvaluationRead:
    """Evaluates a parsed request under the pack of its agency region (else its hukou region) on as_of.

    Raises a 422 problem for values out of range or contradicting the identity number, and for an
    as_of before the pack's parameters are in force.
    """
    violations = difficulty_input_violations(body)
    if violations:
        raise invalid_request(violations)
    pack = registry.for_region(body.agency_region_code or body.person.hukou_region_code)
    try:
        evaluation = evaluate_difficulty(difficulty_case(body), pack)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.as_of, "as_of", exc) from None
    except TimeRuleError as exc:  # pragma: no cover - the input checks keep every date countable
        raise InvalidEvaluationRequest(
            exc.message, exc.message_zh, [Violation(exc.rule, "as_of", exc.message, exc.message_zh)]
        ) from None
    return evaluation_read(evaluation)
