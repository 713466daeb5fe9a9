"""Employment-difficulty certification rules (001 §六, 003): base rules ELIG-* and the 12 categories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Final

from eligibility_svc.difficulty.materials import (
    Material,
    household_situation,
    required_materials,
)
from shared.explain import RuleResult
from shared.identity import Gender
from shared.policy import PolicyPack, PolicyParameters
from shared.timerules import RetirementCategory, add_months, age_on, retirement_age, retirement_date

SOURCE_BASE: Final = "001 §六(一)"
SOURCE_AGE: Final = "001 §六(一); T-AGE; T-RETIRE"


class HukouType(StrEnum):
    """Whether the household register shows an urban or a rural address."""

    URBAN = "urban"
    RURAL = "rural"


class DifficultyCategory(StrEnum):
    """The 12 categories of persons with employment difficulty, in the order of 001 §六(一)."""

    OLDER_UNEMPLOYED = "older_unemployed"
    DISABLED = "disabled"
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"
    URBAN_ZERO_EMPLOYMENT_FAMILY = "urban_zero_employment_family"
    RURAL_ZERO_TRANSFER_POOR_FAMILY = "rural_zero_transfer_poor_family"
    LANDLESS_FARMER = "landless_farmer"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    DRUG_REHABILITATED = "drug_rehabilitated"
    RELEASED_PRISONER = "released_prisoner"
    MENTAL_DISORDER_REHABILITATED = "mental_disorder_rehabilitated"
    RETIRED_SOLDIER = "retired_soldier"
    SUPPORTS_CRITICALLY_ILL_RELATIVE = "supports_critically_ill_relative"


# ---- input -----------------------------------------------------------------------------------------
# Plain values: the API's request models (schemas.py) are checked and mapped to these by the service.


@dataclass(frozen=True, slots=True)
class Person:
    """The applicant as the rules see them."""

    gender: Gender
    birth_date: date
    retirement_category: RetirementCategory | None
    hukou_region_code: str
    hukou_type: HukouType


@dataclass(frozen=True, slots=True)
class DeclaredStatus:
    """The applicant's declared status (ELIG-UNEMPLOYED, ELIG-ABLE, ELIG-WILLING)."""

    unemployed: bool
    able_to_work: bool
    wants_work: bool


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    """Facts behind the categories; omitted facts are false or unknown."""

    disability_certificate: bool = False
    subsistence_allowance: bool = False
    urban_zero_employment_family: bool = False
    rural_zero_transfer_poor_family: bool = False
    landless_farmer: bool = False
    latest_registration_date: date | None = None
    employed_since_latest_registration: bool = False
    drug_rehabilitated: bool = False
    released_prisoner: bool = False
    mental_disorder_rehabilitated: bool = False
    retired_soldier: bool = False
    supports_critically_ill_relative: bool = False
    critical_illness_diagnosed_on: date | None = None


@dataclass(frozen=True, slots=True)
class DifficultyCase:
    """One applicant to evaluate on a date; the dates are in order (none after as_of, none before birth)."""

    as_of: date
    person: Person
    status: DeclaredStatus
    facts: CategoryFacts
    # Office receiving the application; decides whether the applicant's hukou is in "this city".
    agency_region_code: str | None = None


# ---- output ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """Whether one category is met, judged on its own, with the figures compared and the clause."""

    category: DifficultyCategory
    met: bool
    reason: str
    reason_zh: str
    source: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class DifficultyEvaluation:
    """The answer of POST /api/v1/difficulty/evaluate, plus the pack and retirement category used."""

    eligible: bool
    categories_met: tuple[DifficultyCategory, ...]
    base_rules: tuple[RuleResult, ...]
    categories: tuple[CategoryResult, ...]
    retirement_date: date
    required_materials: tuple[Material, ...]
    retirement_category: RetirementCategory
    pack_id: str


# ---- rules -----------------------------------------------------------------------------------------

# Keyed by the plain string: looking up by the enum would run Enum.__hash__ (Python code) per request.
_RETIREMENT_ZH: Final[Mapping[str, str]] = {
    "male": "男职工",
    "female_55": "原法定退休年龄55周岁的女职工",
    "female_50": "原法定退休年龄50周岁的女职工",
}


Pair = tuple[CategoryResult, CategoryResult]


@dataclass(frozen=True, slots=True)
class _FixedResults:
    """Results that depend only on yes/no facts and the pack, built once per pack segment.

    Each pair is (not met, met), indexed by the fact's bool; enum-keyed dicts are avoided on the hot
    path because Enum.__hash__ is Python code.
    """

    params: PolicyParameters
    sources: Mapping[str, str]
    unemployed: tuple[RuleResult, RuleResult]
    able: tuple[RuleResult, RuleResult]
    willing: tuple[RuleResult, RuleResult]
    disabled: Pair
    subsistence_allowance: Pair
    urban_family: Pair
    urban_family_rural_hukou: CategoryResult
    rural_family: Pair
    rural_family_urban_hukou: CategoryResult
    landless_farmer: Pair
    long_term_not_registered: CategoryResult
    drug_rehabilitated: Pair
    released_prisoner: Pair
    mental_disorder_rehabilitated: Pair
    retired_soldier_not: CategoryResult
    retired_soldier_not_registered: CategoryResult
    critically_ill_relative: Pair


def _category_source(number: int) -> str:
    return f"{SOURCE_BASE}{number}"


def _base_pair(rule: str, field: str, yes: tuple[str, str], no: tuple[str, str]) -> tuple[RuleResult, RuleResult]:
    return (
        RuleResult(rule, False, no[0], no[1], SOURCE_BASE, field),
        RuleResult(rule, True, yes[0], yes[1], SOURCE_BASE, field),
    )


def _pair(code: DifficultyCategory, number: int, field: str, yes: tuple[str, str], no: tuple[str, str]) -> Pair:
    source = _category_source(number)
    return (
        CategoryResult(code, False, no[0], no[1], source, field),
        CategoryResult(code, True, yes[0], yes[1], source, field),
    )


def _build_fixed(params: PolicyParameters, sources: Mapping[str, str]) -> _FixedResults:
    C = DifficultyCategory
    months = params.critical_illness_diagnosis_months
    return _FixedResults(
        params=params,
        sources=sources,
        unemployed=_base_pair(
            "ELIG-UNEMPLOYED",
            "status.unemployed",
            ("unemployed as declared", "申报处于无业状态"),
            ("not unemployed: needs to be without work", "未处于无业状态，需处于无业状态"),
        ),
        able=_base_pair(
            "ELIG-ABLE",
            "status.able_to_work",
            ("able to work as declared", "申报有劳动能力"),
            ("not able to work: needs ability to work", "无劳动能力，需有劳动能力"),
        ),
        willing=_base_pair(
            "ELIG-WILLING",
            "status.wants_work",
            ("wants work as declared", "申报有就业意愿"),
            ("does not want work: needs the wish to work", "无就业意愿，需有就业意愿"),
        ),
        disabled=_pair(
            C.DISABLED,
            2,
            "facts.disability_certificate",
            (
                "holds a disability certificate or a disabled-soldier certificate",
                "持有《中华人民共和国残疾人证》或《中华人民共和国残疾军人证》",
            ),
            ("holds no disability certificate or disabled-soldier certificate", "未持有残疾人证或残疾军人证"),
        ),
        subsistence_allowance=_pair(
            C.SUBSISTENCE_ALLOWANCE,
            3,
            "facts.subsistence_allowance",
            (
                "registered in the civil-affairs minimum-living-allowance system",
                "在民政部门低保管理系统登记备案",
            ),
            (
                "not registered in the civil-affairs minimum-living-allowance system",
                "未在民政部门低保管理系统登记备案",
            ),
        ),
        urban_family=_pair(
            C.URBAN_ZERO_EMPLOYMENT_FAMILY,
            4,
            "facts.urban_zero_employment_family",
            (
                "urban household in which every working-age member able and willing to work is unemployed",
                "城镇家庭户口中法定劳动年龄内有劳动能力和就业意愿的家庭成员均处于无业状态",
            ),
            ("not an urban zero-employment family", "不属于城镇“零就业家庭”"),
        ),
        urban_family_rural_hukou=CategoryResult(
            C.URBAN_ZERO_EMPLOYMENT_FAMILY,
            False,
            "declared a zero-employment family, but the household register is rural: needs an urban address",
            "申报零就业家庭，但户口簿显示住址在农村，城镇“零就业家庭”需住址在城镇",
            _category_source(4),
            "person.hukou_type",
        ),
        rural_family=_pair(
            C.RURAL_ZERO_TRANSFER_POOR_FAMILY,
            5,
            "facts.rural_zero_transfer_poor_family",
            (
                "registered poor rural household in which every working-age member able and willing to work "
                "is unemployed",
                "建档立卡农村贫困家庭，家庭户口中法定劳动年龄内有劳动能力和就业意愿的家庭成员均处于无业状态",
            ),
            ("not a rural zero-transfer poor family", "不属于农村零转移就业贫困家庭"),
        ),
        rural_family_urban_hukou=CategoryResult(
            C.RURAL_ZERO_TRANSFER_POOR_FAMILY,
            False,
            "declared a zero-transfer poor family, but the household register is urban: needs a rural address",
            "申报农村零转移就业贫困家庭，但户口簿显示住址在城镇，需住址在农村",
            _category_source(5),
            "person.hukou_type",
        ),
        landless_farmer=_pair(
            C.LANDLESS_FARMER,
            6,
            "facts.landless_farmer",
            ("farmer who lost all land to lawful expropriation", "依法被征地而失去全部土地的农民"),
            (
                "not a farmer who lost all land to lawful expropriation",
                "不属于依法被征地而失去全部土地的农民",
            ),
        ),
        long_term_not_registered=CategoryResult(
            C.LONG_TERM_UNEMPLOYED,
            False,
            f"no unemployment registration on record: needs {params.long_term_unemployed_months} months "
            "since the latest registration",
            f"无失业登记记录，需距最近一次办理失业登记后连续失业{params.long_term_unemployed_months}个月（含）以上",
            sources["long_term_unemployed_months"],
            "facts.latest_registration_date",
        ),
        drug_rehabilitated=_pair(
            C.DRUG_REHABILITATED,
            8,
            "facts.drug_rehabilitated",
            (
                "returned to society after drug-addiction treatment and rehabilitation",
                "经过戒毒治疗、康复后回归社会",
            ),
            ("not a person rehabilitated from drug addiction", "不属于戒毒康复人员"),
        ),
        released_prisoner=_pair(
            C.RELEASED_PRISONER,
            9,
            "facts.released_prisoner",
            ("returned to society after serving a sentence", "刑满释放后回归社会"),
            ("not a released prisoner", "不属于刑满释放人员"),
        ),
        mental_disorder_rehabilitated=_pair(
            C.MENTAL_DISORDER_REHABILITATED,
            10,
            "facts.mental_disorder_rehabilitated",
            (
                "returned to society after treatment and rehabilitation for a mental disorder",
                "经过精神障碍治疗、康复后回归社会",
            ),
            ("not a person rehabilitated from a mental disorder", "不属于精神障碍康复人员"),
        ),
        retired_soldier_not=CategoryResult(
            C.RETIRED_SOLDIER,
            False,
            "not a soldier discharged from active service",
            "不属于退出现役的退役士兵",
            _category_source(11),
            "facts.retired_soldier",
        ),
        retired_soldier_not_registered=CategoryResult(
            C.RETIRED_SOLDIER,
            False,
            f"discharged soldier without an unemployment registration on record: needs "
            f"{params.veteran_registered_months} months registered as unemployed",
            f"退役士兵但无失业登记记录，需申请认定时已登记失业{params.veteran_registered_months}个月以上",
            sources["veteran_registered_months"],
            "facts.latest_registration_date",
        ),
        critically_ill_relative=_pair(
            C.SUPPORTS_CRITICALLY_ILL_RELATIVE,
            12,
            "facts.supports_critically_ill_relative",
            (
                "supports a spouse, parent or child in the same household with a major illness "
                f"(the diagnosis must be dated within {months} months before the application)",
                f"需赡养同一家庭户口中患重大疾病的配偶、父母或子女（诊断材料须为申请之日前{months}个月内）",
            ),
            (
                "does not support a relative in the same household with a major illness",
                "无需赡养同一家庭户口中患重大疾病的直系亲属",
            ),
        ),
    )


def _fixed(pack: PolicyPack, on: date) -> _FixedResults:
    return pack.derived(on, "difficulty.fixed", _build_fixed)


@lru_cache(maxsize=8192)
def _hukou_rule(hukou: str, province: str, source: str) -> RuleResult:
    """ELIG-HUKOU: the household registration is in the pack's province."""
    if hukou.startswith(province):
        return RuleResult(
            "ELIG-HUKOU",
            True,
            f"hukou region {hukou} is in province {province} (needs {province})",
            f"户籍地区划代码{hukou}属于省级区划{province}（需具有该省户籍）",
            source,
            "person.hukou_region_code",
        )
    return RuleResult(
        "ELIG-HUKOU",
        False,
        f"hukou region {hukou} is not in province {province}: needs a household registration there",
        f"户籍地区划代码{hukou}不属于省级区划{province}，需具有该省户籍",
        source,
        "person.hukou_region_code",
    )


def _age_rule(
    birth: date,
    b: str,
    d: str,
    age: int,
    on: date,
    minimum: int,
    category: RetirementCategory,
    retires_on: date,
) -> RuleResult:
    """ELIG-AGE: at least the minimum working age (T-AGE), before the statutory retirement date (T-RETIRE)."""
    r = retires_on.isoformat()
    if age < minimum:
        return RuleResult(
            "ELIG-AGE",
            False,
            f"born {b}: {age} on {d}, needs {minimum}",
            f"{b}出生，{d}年满{age}周岁，需年满{minimum}周岁",
            SOURCE_AGE,
            "person.birth_date",
        )
    if on >= retires_on:
        retire_age = retirement_age(birth, category)
        return RuleResult(
            "ELIG-AGE",
            False,
            f"born {b}: statutory retirement age {retire_age.label} ({category}) reached on {r}, "
            f"not after {d}: beyond working age",
            f"{b}出生，法定退休年龄{retire_age.label_zh}（{_RETIREMENT_ZH[str(category)]}），{r}到达，"
            f"不晚于{d}，已超出法定劳动年龄",
            SOURCE_AGE,
            "person.birth_date",
        )
    return RuleResult(
        "ELIG-AGE",
        True,
        f"born {b}: {age} on {d} (needs {minimum}); statutory retirement date ({category}) {r}, after {d}",
        f"{b}出生，{d}年满{age}周岁（需年满{minimum}周岁）；法定退休日期（{_RETIREMENT_ZH[str(category)]}）{r}，"
        f"晚于{d}",
        SOURCE_AGE,
        "person.birth_date",
    )


def _older_unemployed(
    gender: Gender, b: str, d: str, age: int, params: PolicyParameters, sources: Mapping[str, str]
) -> CategoryResult:
    """Category 1 older_unemployed: women 40 or older, men 50 or older (T-AGE)."""
    if gender is Gender.FEMALE:
        need, source, who, who_zh = (
            params.older_unemployed_age_female,
            sources["older_unemployed_age_female"],
            "female",
            "女性",
        )
    else:
        need, source, who, who_zh = (
            params.older_unemployed_age_male,
            sources["older_unemployed_age_male"],
            "male",
            "男性",
        )
    return CategoryResult(
        DifficultyCategory.OLDER_UNEMPLOYED,
        age >= need,
        f"{who}, born {b}: {age} on {d}, needs {need}",
        f"{who_zh}，{b}出生，{d}年满{age}周岁，需年满{need}周岁",
        source,
        "person.birth_date",
    )


def _long_term_unemployed(
    facts: CategoryFacts, on: date, d: str, params: PolicyParameters, fixed: _FixedResults
) -> CategoryResult:
    """Category 7 long_term_unemployed: 12 months since the latest registration, not employed since.

    "1年（含1年）以上" counts from the registration day by T-PERIOD without a working-day shift: a
    registration of 2025-11-22 qualifies on 2026-11-22.
    """
    registered = facts.latest_registration_date
    if registered is None:
        return fixed.long_term_not_registered
    months = params.long_term_unemployed_months
    source = fixed.sources["long_term_unemployed_months"]
    reached = add_months(registered, months)
    r, q = registered.isoformat(), reached.isoformat()
    if facts.employed_since_latest_registration:
        return CategoryResult(
            DifficultyCategory.LONG_TERM_UNEMPLOYED,
            False,
            f"registered {r} but employed since: needs {months} months of continuous unemployment",
            f"{r}办理失业登记后曾就业，需连续失业{months}个月（含）以上",
            source,
            "facts.employed_since_latest_registration",
        )
    if on < reached:
        return CategoryResult(
            DifficultyCategory.LONG_TERM_UNEMPLOYED,
            False,
            f"registered unemployed {r}: {months} months are reached on {q}, after {d}",
            f"{r}办理失业登记，至{q}方满{months}个月，评估日{d}未满",
            source,
            "facts.latest_registration_date",
        )
    return CategoryResult(
        DifficultyCategory.LONG_TERM_UNEMPLOYED,
        True,
        f"registered unemployed {r} and not employed since: {months} months reached on {q}, as of {d}",
        f"{r}办理失业登记后连续失业，{q}已满{months}个月（评估日{d}）",
        source,
        "facts.latest_registration_date",
    )


def _retired_soldier(
    facts: CategoryFacts, on: date, d: str, params: PolicyParameters, fixed: _FixedResults
) -> CategoryResult:
    """Category 11 retired_soldier: discharged and registered unemployed 6 months or more when applying.

    "6个月以上" includes 6 months (以上 counts the number itself, Civil Code art. 1259), counted by
    T-PERIOD without shift; a registration followed by a job no longer counts.
    """
    if not facts.retired_soldier:
        return fixed.retired_soldier_not
    registered = facts.latest_registration_date
    if registered is None:
        return fixed.retired_soldier_not_registered
    months = params.veteran_registered_months
    source = fixed.sources["veteran_registered_months"]
    reached = add_months(registered, months)
    r, q = registered.isoformat(), reached.isoformat()
    if facts.employed_since_latest_registration:
        return CategoryResult(
            DifficultyCategory.RETIRED_SOLDIER,
            False,
            f"discharged soldier registered {r} but employed since: needs {months} months registered as unemployed",
            f"退役士兵，{r}办理失业登记后曾就业，需申请认定时已登记失业{months}个月以上",
            source,
            "facts.employed_since_latest_registration",
        )
    if on < reached:
        return CategoryResult(
            DifficultyCategory.RETIRED_SOLDIER,
            False,
            f"discharged soldier registered unemployed {r}: {months} months are reached on {q}, after {d}",
            f"退役士兵，{r}办理失业登记，至{q}方满{months}个月，评估日{d}未满",
            source,
            "facts.latest_registration_date",
        )
    return CategoryResult(
        DifficultyCategory.RETIRED_SOLDIER,
        True,
        f"discharged soldier registered unemployed {r}: {months} months reached on {q}, as of {d}",
        f"退役士兵，{r}办理失业登记，{q}已满{months}个月（评估日{d}）",
        source,
        "facts.latest_registration_date",
    )


def _critically_ill_relative(
    facts: CategoryFacts, on: date, d: str, params: PolicyParameters, fixed: _FixedResults
) -> CategoryResult:
    """Category 12: supports a critically ill relative; a given diagnosis date must be recent enough.

    "申请之日前3个月内" is counted forward from the diagnosis by T-PERIOD without shift: diagnosed
    2026-08-22, the application may be made up to and including 2026-11-22.
    """
    code = DifficultyCategory.SUPPORTS_CRITICALLY_ILL_RELATIVE
    diagnosed = facts.critical_illness_diagnosed_on
    if not facts.supports_critically_ill_relative or diagnosed is None:
        return fixed.critically_ill_relative[facts.supports_critically_ill_relative]
    months = params.critical_illness_diagnosis_months
    source = f"{_category_source(12)}; {fixed.sources['critical_illness_diagnosis_months']}"
    until = add_months(diagnosed, months)
    g, u = diagnosed.isoformat(), until.isoformat()
    if on > until:
        return CategoryResult(
            code,
            False,
            f"relative diagnosed {g}: more than {months} months before {d} (the window ended {u})",
            f"亲属诊断日期{g}，早于申请之日前{months}个月（期限至{u}），评估日{d}",
            source,
            "facts.critical_illness_diagnosed_on",
        )
    return CategoryResult(
        code,
        True,
        f"supports a relative in the same household diagnosed with a major illness on {g}: within "
        f"{months} months before {d} (until {u})",
        f"需赡养同一家庭户口中患重大疾病的直系亲属，诊断日期{g}，在申请之日前{months}个月内（期限至{u}），评估日{d}",
        source,
        "facts.critical_illness_diagnosed_on",
    )


# T-RETIRE depends on nothing but the birth date and the category, and a population's birth dates
# repeat. Without this memo bench_difficulty fell under its 20,000 evaluations/s bar (18,575 and
# 18,847 per CPU-second, AMD EPYC). About 55,000 working-age birth dates x 3 categories fit in it.
_retirement_date = lru_cache(maxsize=1 << 16)(retirement_date)


def clear_caches() -> None:
    """Empties the retirement-date memo and the hukou-rule cache (for benchmarks and tests)."""
    _retirement_date.cache_clear()
    _hukou_rule.cache_clear()


def evaluate_difficulty(case: DifficultyCase, pack: PolicyPack) -> DifficultyEvaluation:
    """Evaluates every base rule and every category on its own, and lists the materials to show."""
    on = case.as_of
    fixed = _fixed(pack, on)
    params = fixed.params
    person, status, facts = case.person, case.status, case.facts
    birth = person.birth_date

    category = person.retirement_category
    if category is None:
        category = (
            RetirementCategory.MALE if person.gender is Gender.MALE else params.retirement_category_default_female
        )
    retires_on = _retirement_date(birth, category)
    age = age_on(birth, on)
    b, d = birth.isoformat(), on.isoformat()

    base_rules = (
        _hukou_rule(
            person.hukou_region_code,
            params.difficulty_hukou_province,
            fixed.sources["difficulty_hukou_province"],
        ),
        _age_rule(birth, b, d, age, on, params.working_age_min, category, retires_on),
        fixed.unemployed[status.unemployed],
        fixed.able[status.able_to_work],
        fixed.willing[status.wants_work],
    )

    urban = person.hukou_type is HukouType.URBAN
    if facts.urban_zero_employment_family and not urban:
        urban_family = fixed.urban_family_rural_hukou
    else:
        urban_family = fixed.urban_family[facts.urban_zero_employment_family]
    if facts.rural_zero_transfer_poor_family and urban:
        rural_family = fixed.rural_family_urban_hukou
    else:
        rural_family = fixed.rural_family[facts.rural_zero_transfer_poor_family]

    categories = (
        _older_unemployed(person.gender, b, d, age, params, fixed.sources),
        fixed.disabled[facts.disability_certificate],
        fixed.subsistence_allowance[facts.subsistence_allowance],
        urban_family,
        rural_family,
        fixed.landless_farmer[facts.landless_farmer],
        _long_term_unemployed(facts, on, d, params, fixed),
        fixed.drug_rehabilitated[facts.drug_rehabilitated],
        fixed.released_prisoner[facts.released_prisoner],
        fixed.mental_disorder_rehabilitated[facts.mental_disorder_rehabilitated],
        _retired_soldier(facts, on, d, params, fixed),
        _critically_ill_relative(facts, on, d, params, fixed),
    )
    categories_met = tuple([result.category for result in categories if result.met])
    situation = household_situation(
        person.hukou_region_code, case.agency_region_code, params.difficulty_hukou_province
    )
    materials = required_materials(
        situation, categories_met, diagnosis_months=params.critical_illness_diagnosis_months
    )
    hukou_rule, age_rule = base_rules[0], base_rules[1]
    return DifficultyEvaluation(
        eligible=(
            bool(categories_met)
            and hukou_rule.met
            and age_rule.met
            and status.unemployed
            and status.able_to_work
            and status.wants_work
        ),
        categories_met=categories_met,
        base_rules=base_rules,
        categories=categories,
        retirement_date=retires_on,
        required_materials=materials,
        retirement_category=category,
        pack_id=pack.id,
    )
