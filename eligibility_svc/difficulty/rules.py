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
from shared.policy.documents import cite
from shared.timerules import RetirementCategory, add_months, age_on, retirement_age, retirement_date
from shared.wording import date_zh

SOURCE_BASE: Final = cite("shaoguan-plan 六(一)")
SOURCE_AGE: Final = cite("shaoguan-plan 六(一); T-AGE; T-RETIRE")


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", cite(self.source))  # the document table's citation, cached


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
    agency_region_code: str | None = None


# ---- rules -----------------------------------------------------------------------------------------

_RETIREMENT_EN: Final[Mapping[RetirementCategory, str]] = {
    RetirementCategory.MALE: "men",
    RetirementCategory.FEMALE_55: "women whose original retirement age was 55",
    RetirementCategory.FEMALE_50: "women whose original retirement age was 50",
}
RETIREMENT_CATEGORY_ZH: Final[Mapping[RetirementCategory, str]] = {
    RetirementCategory.MALE: "男职工",
    RetirementCategory.FEMALE_55: "原法定退休年龄55周岁的女职工",
    RetirementCategory.FEMALE_50: "原法定退休年龄50周岁的女职工",
}


def _category_source(number: int) -> str:
    return f"{SOURCE_BASE}{number}"


# The answer depends only on these three strings, which repeat (a few region codes per office).
# Without the cache bench_difficulty gave 18,810 and 19,155 evaluations/s, under the 20,000 bar.
@lru_cache(maxsize=8192)
def hukou_rule(hukou: str, province: str, source: str) -> RuleResult:
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


def age_rule(
    birth_date: date,
    age: int,
    on: date,
    minimum: int,
    category: RetirementCategory,
    retires_on: date,
    *,
    assumed_category: bool = False,
) -> RuleResult:
    """ELIG-AGE: at least the minimum working age (T-AGE), before the statutory retirement date (T-RETIRE).

    Past retirement, the reason names the statutory retirement date and the age the official tables
    give, never "N years reached": for a 29 February birth the date falls on 28 February in a common
    year while T-AGE counts that birthday only on 1 March. When a woman's retirement category was not
    given, the pack's default was assumed, and the reason says so and what the other category gives.
    """
    born, day, retires = birth_date.isoformat(), on.isoformat(), retires_on.isoformat()
    born_zh, day_zh, retires_zh = date_zh(birth_date), date_zh(on), date_zh(retires_on)
    if age < minimum:
        return RuleResult(
            "ELIG-AGE",
            False,
            f"born {born}: {age} on {day}, needs {minimum}",
            f"{born_zh}出生，{day_zh}年满{age}周岁，需年满{minimum}周岁",
            SOURCE_AGE,
            "person.birth_date",
        )
    category_en, category_zh = _RETIREMENT_EN[category], RETIREMENT_CATEGORY_ZH[category]
    retire_age = retirement_age(birth_date, category)
    month_end = (
        (
            f"; there is no {birth_date.day} in that month, so its last day",
            f"；该月无{birth_date.day}日，取当月最后一日",
        )
        if retires_on.day != birth_date.day
        else ("", "")
    )
    assumed = _assumed_category_texts(birth_date, on, category) if assumed_category else ("", "")
    if on >= retires_on:
        return RuleResult(
            "ELIG-AGE",
            False,
            f"born {born}: the statutory retirement date is {retires} ({category_en}, retirement age "
            f"{retire_age.label}{month_end[0]}), on or before {day}: beyond working age{assumed[0]}",
            f"{born_zh}出生，法定退休日期为{retires_zh}（{category_zh}，法定退休年龄{retire_age.label_zh}"
            f"{month_end[1]}），不晚于{day_zh}，已超出法定劳动年龄{assumed[1]}",
            SOURCE_AGE,
            "person.birth_date",
        )
    return RuleResult(
        "ELIG-AGE",
        True,
        f"born {born}: {age} on {day} (needs {minimum}); the statutory retirement date ({category_en}) is "
        f"{retires}, after {day}{assumed[0]}",
        f"{born_zh}出生，{day_zh}年满{age}周岁（需年满{minimum}周岁）；法定退休日期（{category_zh}）为"
        f"{retires_zh}，晚于{day_zh}{assumed[1]}",
        SOURCE_AGE,
        "person.birth_date",
    )


def _assumed_category_texts(birth_date: date, on: date, category: RetirementCategory) -> tuple[str, str]:
    # Only a woman's category is ever assumed; the other one is the alternative a caseworker must see.
    other = RetirementCategory.FEMALE_55 if category is RetirementCategory.FEMALE_50 else RetirementCategory.FEMALE_50
    other_date = _retirement_date(birth_date, other)
    other_met = on < other_date
    return (
        f". The retirement category was not given: the policy pack's default {_RETIREMENT_EN[category]} was "
        f"assumed; as {_RETIREMENT_EN[other]} the retirement date would be {other_date.isoformat()} and the "
        f"person would be {'within' if other_met else 'beyond'} working age",
        f"。未填写退休类别，按政策包默认值视为{RETIREMENT_CATEGORY_ZH[category]}；如属{RETIREMENT_CATEGORY_ZH[other]}，"
        f"法定退休日期为{date_zh(other_date)}，{'仍在' if other_met else '已超出'}法定劳动年龄"
        f"{'内' if other_met else ''}",
    )


@dataclass(frozen=True, slots=True)
class Declaration:
    """A base rule met exactly when the applicant declares it; both answers are fixed texts."""

    met: RuleResult
    not_met: RuleResult

    def judge(self, declared: bool) -> RuleResult:
        """Returns the answer for what the applicant declared."""
        return self.met if declared else self.not_met


def _declaration(rule: str, field: str, yes: tuple[str, str], no: tuple[str, str]) -> Declaration:
    return Declaration(
        met=RuleResult(rule, True, yes[0], yes[1], SOURCE_BASE, field),
        not_met=RuleResult(rule, False, no[0], no[1], SOURCE_BASE, field),
    )


# Answers that depend on one yes/no value only are built once, at import. Built for every
# evaluation they held bench_difficulty to 8,830-8,942 evaluations/s against 13,676-14,054 built
# once (AMD EPYC, one core, no memo anywhere), far under the 20,000 bar.
UNEMPLOYED: Final = _declaration(
    "ELIG-UNEMPLOYED",
    "status.unemployed",
    ("unemployed as declared", "申报处于无业状态"),
    ("not unemployed: needs to be without work", "未处于无业状态，需处于无业状态"),
)
ABLE: Final = _declaration(
    "ELIG-ABLE",
    "status.able_to_work",
    ("able to work as declared", "申报有劳动能力"),
    ("not able to work: needs ability to work", "无劳动能力，需有劳动能力"),
)
WILLING: Final = _declaration(
    "ELIG-WILLING",
    "status.wants_work",
    ("wants work as declared", "申报有就业意愿"),
    ("does not want work: needs the wish to work", "无就业意愿，需有就业意愿"),
)


@dataclass(frozen=True, slots=True)
class FactCategory:
    """A category met exactly when one declared fact holds; both answers are fixed texts."""

    met: CategoryResult
    not_met: CategoryResult

    def judge(self, holds: bool) -> CategoryResult:
        """Returns the answer for whether the fact holds."""
        return self.met if holds else self.not_met


def _fact_category(
    category: DifficultyCategory, number: int, field: str, yes: tuple[str, str], no: tuple[str, str]
) -> FactCategory:
    source = _category_source(number)
    return FactCategory(
        met=CategoryResult(category, True, yes[0], yes[1], source, field),
        not_met=CategoryResult(category, False, no[0], no[1], source, field),
    )


def older_unemployed(
    gender: Gender, birth_date: date, age: int, on: date, params: PolicyParameters, sources: Mapping[str, str]
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
    born, day = birth_date.isoformat(), on.isoformat()
    return CategoryResult(
        DifficultyCategory.OLDER_UNEMPLOYED,
        age >= need,
        f"{who}, born {born}: {age} on {day}, needs {need}",
        f"{who_zh}，{born}出生，{day}年满{age}周岁，需年满{need}周岁",
        source,
        "person.birth_date",
    )


# Category 2 disabled: holds a disability or disabled-soldier certificate.
DISABLED: Final = _fact_category(
    DifficultyCategory.DISABLED,
    2,
    "facts.disability_certificate",
    (
        "holds a disability certificate or a disabled-soldier certificate",
        "持有《中华人民共和国残疾人证》或《中华人民共和国残疾军人证》",
    ),
    ("holds no disability certificate or disabled-soldier certificate", "未持有残疾人证或残疾军人证"),
)

# Category 3 subsistence_allowance: registered in the civil-affairs minimum-living-allowance system.
SUBSISTENCE_ALLOWANCE: Final = _fact_category(
    DifficultyCategory.SUBSISTENCE_ALLOWANCE,
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
)

# Category 4 urban_zero_employment_family, as declared.
URBAN_ZERO_EMPLOYMENT_FAMILY: Final = _fact_category(
    DifficultyCategory.URBAN_ZERO_EMPLOYMENT_FAMILY,
    4,
    "facts.urban_zero_employment_family",
    (
        "urban household in which every working-age member able and willing to work is unemployed",
        "城镇家庭户口中法定劳动年龄内有劳动能力和就业意愿的家庭成员均处于无业状态",
    ),
    ("not an urban zero-employment family", "不属于城镇“零就业家庭”"),
)
URBAN_FAMILY_WITH_RURAL_HUKOU: Final = CategoryResult(
    DifficultyCategory.URBAN_ZERO_EMPLOYMENT_FAMILY,
    False,
    "declared a zero-employment family, but the household register is rural: needs an urban address",
    "申报零就业家庭，但户口簿显示住址在农村，城镇“零就业家庭”需住址在城镇",
    _category_source(4),
    "person.hukou_type",
)


def urban_zero_employment_family(declared: bool, hukou_type: HukouType) -> CategoryResult:
    """Category 4 urban_zero_employment_family: declared, and the household register is urban."""
    if declared and hukou_type is not HukouType.URBAN:
        return URBAN_FAMILY_WITH_RURAL_HUKOU
    return URBAN_ZERO_EMPLOYMENT_FAMILY.judge(declared)


# Category 5 rural_zero_transfer_poor_family, as declared.
RURAL_ZERO_TRANSFER_POOR_FAMILY: Final = _fact_category(
    DifficultyCategory.RURAL_ZERO_TRANSFER_POOR_FAMILY,
    5,
    "facts.rural_zero_transfer_poor_family",
    (
        "registered poor rural household in which every working-age member able and willing to work "
        "is unemployed",
        "建档立卡农村贫困家庭，家庭户口中法定劳动年龄内有劳动能力和就业意愿的家庭成员均处于无业状态",
    ),
    ("not a rural zero-transfer poor family", "不属于农村零转移就业贫困家庭"),
)
RURAL_FAMILY_WITH_URBAN_HUKOU: Final = CategoryResult(
    DifficultyCategory.RURAL_ZERO_TRANSFER_POOR_FAMILY,
    False,
    "declared a zero-transfer poor family, but the household register is urban: needs a rural address",
    "申报农村零转移就业贫困家庭，但户口簿显示住址在城镇，需住址在农村",
    _category_source(5),
    "person.hukou_type",
)


def rural_zero_transfer_poor_family(declared: bool, hukou_type: HukouType) -> CategoryResult:
    """Category 5 rural_zero_transfer_poor_family: declared, and the household register is rural."""
    if declared and hukou_type is HukouType.URBAN:
        return RURAL_FAMILY_WITH_URBAN_HUKOU
    return RURAL_ZERO_TRANSFER_POOR_FAMILY.judge(declared)


# Category 6 landless_farmer: lost all land to lawful expropriation.
LANDLESS_FARMER: Final = _fact_category(
    DifficultyCategory.LANDLESS_FARMER,
    6,
    "facts.landless_farmer",
    ("farmer who lost all land to lawful expropriation", "依法被征地而失去全部土地的农民"),
    (
        "not a farmer who lost all land to lawful expropriation",
        "不属于依法被征地而失去全部土地的农民",
    ),
)

def long_term_unemployed(
    facts: CategoryFacts, on: date, params: PolicyParameters, sources: Mapping[str, str]
) -> CategoryResult:
    """Category 7 long_term_unemployed: 12 months since the latest registration, not employed since.

    "1年（含1年）以上" counts from the registration day by T-PERIOD without a working-day shift: a
    registration of 2025-11-22 qualifies on 2026-11-22.
    """
    months = params.long_term_unemployed_months
    source = sources["long_term_unemployed_months"]
    registered = facts.latest_registration_date
    if registered is None:
        return CategoryResult(
            DifficultyCategory.LONG_TERM_UNEMPLOYED,
            False,
            f"no unemployment registration on record: needs {months} months since the latest registration",
            f"无失业登记记录，需距最近一次办理失业登记后连续失业{months}个月（含）以上",
            source,
            "facts.latest_registration_date",
        )
    reached = add_months(registered, months)
    registered_on, reached_on, day = registered.isoformat(), reached.isoformat(), on.isoformat()
    if facts.employed_since_latest_registration:
        return CategoryResult(
            DifficultyCategory.LONG_TERM_UNEMPLOYED,
            False,
            f"registered {registered_on} but employed since: needs {months} months of continuous unemployment",
            f"{registered_on}办理失业登记后曾就业，需连续失业{months}个月（含）以上",
            source,
            "facts.employed_since_latest_registration",
        )
    if on < reached:
        return CategoryResult(
            DifficultyCategory.LONG_TERM_UNEMPLOYED,
            False,
            f"registered unemployed {registered_on}: {months} months are reached on {reached_on}, after {day}",
            f"{registered_on}办理失业登记，至{reached_on}方满{months}个月，评估日{day}未满",
            source,
            "facts.latest_registration_date",
        )
    return CategoryResult(
        DifficultyCategory.LONG_TERM_UNEMPLOYED,
        True,
        f"registered unemployed {registered_on} and not employed since: {months} months reached on {reached_on}, "
        f"as of {day}",
        f"{registered_on}办理失业登记后连续失业，{reached_on}已满{months}个月（评估日{day}）",
        source,
        "facts.latest_registration_date",
    )


# Category 8 drug_rehabilitated: returned to society after drug-addiction treatment.
DRUG_REHABILITATED: Final = _fact_category(
    DifficultyCategory.DRUG_REHABILITATED,
    8,
    "facts.drug_rehabilitated",
    (
        "returned to society after drug-addiction treatment and rehabilitation",
        "经过戒毒治疗、康复后回归社会",
    ),
    ("not a person rehabilitated from drug addiction", "不属于戒毒康复人员"),
)

# Category 9 released_prisoner: returned to society after serving a sentence.
RELEASED_PRISONER: Final = _fact_category(
    DifficultyCategory.RELEASED_PRISONER,
    9,
    "facts.released_prisoner",
    ("returned to society after serving a sentence", "刑满释放后回归社会"),
    ("not a released prisoner", "不属于刑满释放人员"),
)

# Category 10 mental_disorder_rehabilitated: returned to society after treatment for a mental disorder.
MENTAL_DISORDER_REHABILITATED: Final = _fact_category(
    DifficultyCategory.MENTAL_DISORDER_REHABILITATED,
    10,
    "facts.mental_disorder_rehabilitated",
    (
        "returned to society after treatment and rehabilitation for a mental disorder",
        "经过精神障碍治疗、康复后回归社会",
    ),
    ("not a person rehabilitated from a mental disorder", "不属于精神障碍康复人员"),
)

NOT_RETIRED_SOLDIER: Final = CategoryResult(
    DifficultyCategory.RETIRED_SOLDIER,
    False,
    "not a soldier discharged from active service",
    "不属于退出现役的退役士兵",
    _category_source(11),
    "facts.retired_soldier",
)


def retired_soldier(
    facts: CategoryFacts, on: date, params: PolicyParameters, sources: Mapping[str, str]
) -> CategoryResult:
    """Category 11 retired_soldier: discharged and registered unemployed 6 months or more when applying.

    "6个月以上" includes 6 months (以上 counts the number itself, Civil Code art. 1259), counted by
    T-PERIOD without shift; a registration followed by a job no longer counts.
    """
    code = DifficultyCategory.RETIRED_SOLDIER
    if not facts.retired_soldier:
        return NOT_RETIRED_SOLDIER
    months = params.veteran_registered_months
    source = sources["veteran_registered_months"]
    registered = facts.latest_registration_date
    if registered is None:
        return CategoryResult(
            code,
            False,
            f"discharged soldier without an unemployment registration on record: needs "
            f"{months} months registered as unemployed",
            f"退役士兵但无失业登记记录，需申请认定时已登记失业{months}个月以上",
            source,
            "facts.latest_registration_date",
        )
    reached = add_months(registered, months)
    registered_on, reached_on, day = registered.isoformat(), reached.isoformat(), on.isoformat()
    if facts.employed_since_latest_registration:
        return CategoryResult(
            code,
            False,
            f"discharged soldier registered {registered_on} but employed since: needs {months} months registered "
            "as unemployed",
            f"退役士兵，{registered_on}办理失业登记后曾就业，需申请认定时已登记失业{months}个月以上",
            source,
            "facts.employed_since_latest_registration",
        )
    if on < reached:
        return CategoryResult(
            code,
            False,
            f"discharged soldier registered unemployed {registered_on}: {months} months are reached on "
            f"{reached_on}, after {day}",
            f"退役士兵，{registered_on}办理失业登记，至{reached_on}方满{months}个月，评估日{day}未满",
            source,
            "facts.latest_registration_date",
        )
    return CategoryResult(
        code,
        True,
        f"discharged soldier registered unemployed {registered_on}: {months} months reached on {reached_on}, "
        f"as of {day}",
        f"退役士兵，{registered_on}办理失业登记，{reached_on}已满{months}个月（评估日{day}）",
        source,
        "facts.latest_registration_date",
    )


NOT_SUPPORTING_ILL_RELATIVE: Final = CategoryResult(
    DifficultyCategory.SUPPORTS_CRITICALLY_ILL_RELATIVE,
    False,
    "does not support a relative in the same household with a major illness",
    "无需赡养同一家庭户口中患重大疾病的直系亲属",
    _category_source(12),
    "facts.supports_critically_ill_relative",
)


def critically_ill_relative(
    facts: CategoryFacts, on: date, params: PolicyParameters, sources: Mapping[str, str]
) -> CategoryResult:
    """Category 12: supports a critically ill relative; a given diagnosis date must be recent enough.

    "申请之日前3个月内" is counted back from the application by T-PERIOD without shift (Civil Code
    art. 202: the corresponding day of the month, or that month's last day where there is none): on
    2026-05-31 the window opens on 2026-02-28, so a diagnosis of 2026-02-28 qualifies, and on
    2026-11-22 it opens on 2026-08-22.
    """
    code = DifficultyCategory.SUPPORTS_CRITICALLY_ILL_RELATIVE
    months = params.critical_illness_diagnosis_months
    diagnosed = facts.critical_illness_diagnosed_on
    if not facts.supports_critically_ill_relative:
        return NOT_SUPPORTING_ILL_RELATIVE
    if diagnosed is None:
        return CategoryResult(
            code,
            True,
            "supports a spouse, parent or child in the same household with a major illness "
            f"(the diagnosis must be dated within {months} months before the application)",
            f"需赡养同一家庭户口中患重大疾病的配偶、父母或子女（诊断材料须为申请之日前{months}个月内）",
            _category_source(12),
            "facts.supports_critically_ill_relative",
        )
    source = f"{_category_source(12)}; {sources['critical_illness_diagnosis_months']}"
    earliest = add_months(on, -months)
    diagnosed_on, earliest_on, day = diagnosed.isoformat(), earliest.isoformat(), on.isoformat()
    diagnosed_zh, earliest_zh, day_zh = date_zh(diagnosed), date_zh(earliest), date_zh(on)
    if diagnosed < earliest:
        return CategoryResult(
            code,
            False,
            f"relative diagnosed {diagnosed_on}: more than {months} months before the application of {day} "
            f"(the diagnosis must be dated {earliest_on} or later)",
            f"亲属诊断日期{diagnosed_zh}，早于申请之日（{day_zh}）前{months}个月"
            f"（诊断日期须在{earliest_zh}或以后）",
            source,
            "facts.critical_illness_diagnosed_on",
        )
    return CategoryResult(
        code,
        True,
        f"supports a relative in the same household diagnosed with a major illness on {diagnosed_on}: within "
        f"{months} months before the application of {day} (from {earliest_on})",
        f"需赡养同一家庭户口中患重大疾病的直系亲属，诊断日期{diagnosed_zh}，在申请之日（{day_zh}）前"
        f"{months}个月内（自{earliest_zh}起）",
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
    hukou_rule.cache_clear()


def evaluate_difficulty(case: DifficultyCase, pack: PolicyPack) -> DifficultyEvaluation:
    """Evaluates every base rule and every category on its own, and lists the materials to show."""
    on = case.as_of
    params, sources = pack.params(on), pack.sources(on)
    person, status, facts = case.person, case.status, case.facts
    category = person.retirement_category
    if category is None:
        category = (
            RetirementCategory.MALE if person.gender is Gender.MALE else params.retirement_category_default_female
        )
    retires_on = _retirement_date(person.birth_date, category)
    age = age_on(person.birth_date, on)
    hukou = hukou_rule(
        person.hukou_region_code, params.difficulty_hukou_province, sources["difficulty_hukou_province"]
    )
    working_age = age_rule(
        person.birth_date, age, on, params.working_age_min, category, retires_on,
        assumed_category=person.retirement_category is None and person.gender is Gender.FEMALE,
    )
    base_rules = (
        hukou,
        working_age,
        UNEMPLOYED.judge(status.unemployed),
        ABLE.judge(status.able_to_work),
        WILLING.judge(status.wants_work),
    )
    categories = (
        older_unemployed(person.gender, person.birth_date, age, on, params, sources),
        DISABLED.judge(facts.disability_certificate),
        SUBSISTENCE_ALLOWANCE.judge(facts.subsistence_allowance),
        urban_zero_employment_family(facts.urban_zero_employment_family, person.hukou_type),
        rural_zero_transfer_poor_family(facts.rural_zero_transfer_poor_family, person.hukou_type),
        LANDLESS_FARMER.judge(facts.landless_farmer),
        long_term_unemployed(facts, on, params, sources),
        DRUG_REHABILITATED.judge(facts.drug_rehabilitated),
        RELEASED_PRISONER.judge(facts.released_prisoner),
        MENTAL_DISORDER_REHABILITATED.judge(facts.mental_disorder_rehabilitated),
        retired_soldier(facts, on, params, sources),
        critically_ill_relative(facts, on, params, sources),
    )
    categories_met = tuple([result.category for result in categories if result.met])
    situation = household_situation(
        person.hukou_region_code, case.agency_region_code, params.difficulty_hukou_province
    )
    return DifficultyEvaluation(
        eligible=(
            bool(categories_met)
            and hukou.met
            and working_age.met
            and status.unemployed
            and status.able_to_work
            and status.wants_work
        ),
        categories_met=categories_met,
        base_rules=base_rules,
        categories=categories,
        retirement_date=retires_on,
        required_materials=required_materials(
            situation, categories_met, diagnosis_months=params.critical_illness_diagnosis_months
        ),
        retirement_category=category,
        pack_id=pack.id,
        agency_region_code=case.agency_region_code,
    )
