"""Vacancy rules: JOB-FAIR-HIRING (no gender, ethnicity or hukou restriction, Employment Promotion Law
arts. 26-31) and the consistency of the form (positions, wage range, age range, validity, credit code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from shared.credit_code import is_credit_code
from shared.explain import RuleResult
from shared.wording import date_zh, yuan

FAIR_HIRING_RULE: Final = "JOB-FAIR-HIRING"
# The consistency of the 招聘登记 form is this system's own rule (rules.md "Job services").
FORM_SOURCE: Final = "system-rule"
# 《中华人民共和国就业促进法》 (documents.toml "employment-promotion-law"): art. 26 no discrimination in hiring;
# art. 27 women (gender); art. 28 ethnic groups; art. 31 rural workers (hukou).
LAW: Final = "employment-promotion-law"


@dataclass(frozen=True, slots=True)
class Ground:
    """A ground of discrimination the law forbids, with its article."""

    name: str
    name_zh: str
    article: str
    article_zh: str

    clause: str

    @property
    def source(self) -> str:
        """Returns the citation of the articles: the law's key and its articles."""
        return f"{LAW} {self.clause}"


GENDER: Final = Ground("gender", "性别", "Employment Promotion Law arts. 26-27",
                       "就业促进法第二十六条、第二十七条", "第26条、第27条")
ETHNICITY: Final = Ground("ethnicity", "民族", "Employment Promotion Law arts. 26, 28",
                          "就业促进法第二十六条、第二十八条", "第26条、第28条")
HUKOU: Final = Ground("household registration (hukou)", "户籍", "Employment Promotion Law arts. 26, 31",
                      "就业促进法第二十六条、第三十一条", "第26条、第31条")

# Values of a requirement field that restrict nobody.
NO_RESTRICTION: Final = frozenset({"", "any", "none", "unlimited", "不限", "无", "无要求", "男女不限"})

# Phrases in a title or description that restrict by a forbidden ground (checked after removing blanks and
# every 不限).
PHRASES: Final[tuple[tuple[Ground, tuple[str, ...]], ...]] = (
    (GENDER, ("限男", "限女", "仅招男", "仅招女", "只招男", "只招女", "男性优先", "女性优先", "男士优先",
              "女士优先", "限男性", "限女性", "maleonly", "femaleonly", "menonly", "womenonly")),
    (ETHNICITY, ("限汉族", "仅招汉族", "只招汉族", "汉族优先", "少数民族除外", "少数民族勿")),
    (HUKOU, ("本地户口", "本地户籍", "本市户口", "本市户籍", "城镇户口", "非农户口", "限户籍",
             "农村户口除外", "localhukou")),
)


def _restricts(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in NO_RESTRICTION


def _refusal(ground: Ground, field: str, found: str) -> RuleResult:
    return RuleResult(
        FAIR_HIRING_RULE, False,
        f"a vacancy may not restrict {ground.name} ({found!r}): refused under the {ground.article}",
        f"招聘不得设置{ground.name_zh}限制（“{found}”），依据{ground.article_zh}不予登记",
        ground.source, field,
    )


def check_fair_hiring(
    *, gender: str | None, ethnicity: str | None, hukou: str | None, texts: Sequence[tuple[str, str | None]]
) -> list[RuleResult]:
    """Checks JOB-FAIR-HIRING: no gender, ethnicity or hukou requirement, neither in the requirement fields
    nor in the words of the title or description; returns one refusal per ground and field, else one met
    result."""
    refusals = [
        _refusal(ground, field, value or "")
        for ground, field, value in ((GENDER, "requirements.gender", gender),
                                     (ETHNICITY, "requirements.ethnicity", ethnicity),
                                     (HUKOU, "requirements.hukou", hukou))
        if _restricts(value)
    ]
    for field, text in texts:
        if not text:
            continue
        # "不限" (no restriction) is taken out first, so that 不限男女 or 不限户籍 is not read as 限男, 限户籍.
        squeezed = "".join(text.lower().split()).replace("不限", "")
        for ground, phrases in PHRASES:
            found = next((p for p in phrases if p in squeezed), None)
            if found is not None:
                refusals.append(_refusal(ground, field, found))
    if refusals:
        return refusals
    return [RuleResult(FAIR_HIRING_RULE, True, "no gender, ethnicity or hukou restriction",
                       "无性别、民族、户籍限制", f"{LAW} 第26条至第31条")]


def check_form(
    *,
    positions: int,
    wage_min_fen: int,
    wage_max_fen: int,
    min_age: int | None,
    max_age: int | None,
    valid_until: date,
    today: date,
    credit_code: str,
) -> list[RuleResult]:
    """Checks the vacancy form: at least one position (JOB-POSITIONS), a wage range from low to high
    (JOB-WAGE-RANGE), an age range from low to high (JOB-AGE-RANGE), valid until today or later
    (JOB-VALID-UNTIL), the employer's credit code with its GB 32100 check character (JOB-EMPLOYER)."""
    valid_code = is_credit_code(credit_code)
    return [
        RuleResult("JOB-POSITIONS", positions >= 1,
                   f"{positions} position(s) offered" + ("" if positions >= 1 else ": at least 1 is needed"),
                   f"招聘人数{positions}人" + ("" if positions >= 1 else "，至少为1人"), FORM_SOURCE, "positions"),
        RuleResult("JOB-WAGE-RANGE", wage_min_fen <= wage_max_fen,
                   f"monthly wage from {wage_min_fen} to {wage_max_fen} fen"
                   + ("" if wage_min_fen <= wage_max_fen else ": the minimum is above the maximum"),
                   f"月工资{yuan(wage_min_fen)}至{yuan(wage_max_fen)}"
                   + ("" if wage_min_fen <= wage_max_fen else "，下限高于上限"),
                   FORM_SOURCE, "monthly_wage_max_fen"),
        RuleResult("JOB-AGE-RANGE", min_age is None or max_age is None or min_age <= max_age,
                   f"ages {min_age} to {max_age}", f"年龄{_age_zh(min_age)}至{_age_zh(max_age)}", FORM_SOURCE,
                   "requirements.max_age"),
        RuleResult("JOB-VALID-UNTIL", valid_until >= today,
                   f"valid until {valid_until}" + ("" if valid_until >= today else f", which is before today {today}"),
                   f"有效期至{date_zh(valid_until)}"
                   + ("" if valid_until >= today else f"，早于今天（{date_zh(today)}）"),
                   FORM_SOURCE, "valid_until"),
        RuleResult("JOB-EMPLOYER", valid_code,
                   "the employer's unified social credit code is valid (GB 32100)" if valid_code
                   else f"{credit_code!r} is not a unified social credit code (GB 32100 check character)",
                   "统一社会信用代码有效" if valid_code else f"“{credit_code}”不是有效的统一社会信用代码",
                   "GB 32100-2015", "employer.credit_code"),
    ]


def _age_zh(age: int | None) -> str:
    return "不限" if age is None else f"{age}岁"


def is_expired(valid_until: date, today: date) -> bool:
    """Tells whether a vacancy valid until `valid_until` has expired on `today` (the day after)."""
    return today > valid_until
