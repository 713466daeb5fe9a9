"""The difficulty evaluation use case: checks a parsed request, evaluates it under its region's pack, answers."""

from __future__ import annotations

from collections.abc import Sequence

from eligibility_svc.difficulty.rules import (
    RETIREMENT_CATEGORY_ZH,
    CategoryFacts,
    DeclaredStatus,
    DifficultyCase,
    DifficultyEvaluation,
    Person,
    evaluate_difficulty,
)
from eligibility_svc.difficulty.schemas import (
    AssumptionRead,
    DifficultyEvaluationRead,
    DifficultyRequest,
    difficulty_input_violations,
    invalid_request,
    policy_not_in_force,
)
from eligibility_svc.errors import InvalidEvaluationRequest
from shared.auth import Principal
from shared.calendar import TimeRuleError
from shared.errors import Violation
from shared.policy import ParameterNotInForceError, PolicyRegistry
from shared.timerules import RetirementCategory


def office_region(body: DifficultyRequest, principal: Principal | None) -> tuple[str | None, bool]:
    """Returns the region of the office receiving the application and whether it was assumed.

    A request without agency_region_code made by staff is taken to be made at the caller's own office
    (the caseworker's region), so an applicant from another city of the province is asked for the
    居住证; a citizen's request without it is judged as made in the hukou city.
    """
    if body.agency_region_code is not None:
        return body.agency_region_code, False
    if principal is not None and principal.is_staff and len(principal.region) >= 4:
        return principal.region, True
    return None, False


def difficulty_case(body: DifficultyRequest, office: str | None = None) -> DifficultyCase:
    """Returns the rules' plain input for a parsed request (office: the receiving office's region)."""
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
        agency_region_code=body.agency_region_code or office,
    )


def evaluation_read(
    evaluation: DifficultyEvaluation, assumptions: Sequence[AssumptionRead] = ()
) -> DifficultyEvaluationRead:
    """Returns the response model of an evaluation, with the defaults it assumed."""
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
            "agency_region_code": evaluation.agency_region_code,
            "assumptions": assumptions,
        }
    )


def evaluate(
    body: DifficultyRequest, registry: PolicyRegistry, principal: Principal | None = None
) -> DifficultyEvaluationRead:
    """Evaluates a parsed request under the pack of its office region (else its hukou region) on as_of.

    The office region is agency_region_code, else the region of a staff caller (office_region).

    Raises a 422 problem for values out of range or contradicting the identity number, and for an
    as_of before the pack's parameters are in force.
    """
    violations = difficulty_input_violations(body)
    if violations:
        raise invalid_request(violations)
    office, office_assumed = office_region(body, principal)
    pack = registry.for_region(office or body.person.hukou_region_code)
    try:
        evaluation = evaluate_difficulty(difficulty_case(body, office), pack)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, body.as_of, "as_of", exc) from None
    except TimeRuleError as exc:  # pragma: no cover - the input checks keep every date countable
        raise InvalidEvaluationRequest(
            exc.message, exc.message_zh, [Violation(exc.rule, "as_of", exc.message, exc.message_zh)]
        ) from None
    assumptions = []
    if office_assumed and office is not None:
        assumptions.append(
            AssumptionRead(
                field="agency_region_code",
                value=office,
                explanation=(
                    f"agency_region_code was not given: the application is taken to be made at the caller's "
                    f"office, region {office}; the materials (a residence permit for a household registered in "
                    "another city of the province) and the policy pack follow from it"
                ),
                explanation_zh=(
                    f"未填写受理机构所在地区，按经办人所在地区（{office}）受理；所需材料（省内其他城市户籍须提供"
                    "《居住证》）和适用的政策包据此确定"
                ),
            )
        )
    if body.person.retirement_category is None and evaluation.retirement_category is not RetirementCategory.MALE:
        assumptions.append(
            AssumptionRead(
                field="person.retirement_category",
                value=evaluation.retirement_category.value,
                explanation=(
                    "retirement_category was not given: the policy pack's default for women was assumed; "
                    "ELIG-AGE says what the other category would give"
                ),
                explanation_zh=(
                    f"未填写退休类别，按政策包对女性的默认值视为{RETIREMENT_CATEGORY_ZH[evaluation.retirement_category]}；"
                    "另一类别的结果见法定劳动年龄规则（ELIG-AGE）的说明"
                ),
            )
        )
    return evaluation_read(evaluation, assumptions)
