"""Time rules: full-year ages (T-AGE), month periods (T-PERIOD) and statutory retirement (T-RETIRE)."""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from shared.calendar import Due, TimeRuleError, WorkdayCalendar

T_AGE_RULE_ID: Final = "T-AGE"
T_AGE_SOURCE: Final = "rules.md Counting time (T-AGE): 年满N周岁 is reached on the N-th birthday"
T_PERIOD_RULE_ID: Final = "T-PERIOD"
T_PERIOD_SOURCE: Final = (
    "rules.md Counting time (T-PERIOD); 民法典 第二百零一条至第二百零三条 (Civil Code arts. 201–203)"
)
T_RETIRE_RULE_ID: Final = "T-RETIRE"
T_RETIRE_SOURCE: Final = (
    "rules.md T-RETIRE; 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 "
    "(2024-09-13, effective 2025-01-01), 国务院关于渐进式延迟法定退休年龄的办法 第一条 "
    "and its comparison tables (对照表)"
)


# --- T-AGE -----------------------------------------------------------------------------------------


def nth_birthday(birth_date: date, years: int) -> date:
    """Returns the day an age in full years is reached; born 29 Feb: 1 Mar in common years (T-AGE)."""
    if years < 0:
        raise TimeRuleError(
            T_AGE_RULE_ID,
            f"an age in years must not be negative (got {years})",
            f"周岁数不能为负数（收到 {years}）",
        )
    year = birth_date.year + years
    if year > date.max.year:
        raise TimeRuleError(
            T_AGE_RULE_ID,
            f"age {years} for someone born {birth_date.isoformat()} falls after the year {date.max.year}",
            f"{birth_date.isoformat()} 出生者的 {years} 周岁生日超出 {date.max.year} 年",
        )
    if birth_date.month == 2 and birth_date.day == 29 and not _gregorian.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def age_on(birth_date: date, on: date) -> int:
    """Returns the age in full years (周岁) on a day: the count of birthdays reached by then (T-AGE)."""
    if on < birth_date:
        raise TimeRuleError(
            T_AGE_RULE_ID,
            f"{on.isoformat()} is before the birth date {birth_date.isoformat()}",
            f"{on.isoformat()} 早于出生日期 {birth_date.isoformat()}",
        )
    age = on.year - birth_date.year
    # One comparison against this year's birthday, so 29 Feb follows nth_birthday's 1 Mar rule.
    if age > 0 and on < nth_birthday(birth_date, age):
        age -= 1
    return age


# --- T-PERIOD --------------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """Returns the same day months later (earlier if negative), or that month's last day (T-PERIOD)."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month_zero = divmod(month_index, 12)
    if not date.min.year <= year <= date.max.year:
        raise TimeRuleError(
            T_PERIOD_RULE_ID,
            f"{start.isoformat()} plus {months} months is outside the representable dates",
            f"{start.isoformat()} 加 {months} 个月超出可表示的日期范围",
        )
    month = month_zero + 1
    day = min(start.day, _gregorian.monthrange(year, month)[1])
    return date(year, month, day)


def period_end(start: date, months: int, calendar: WorkdayCalendar, *, shift: bool = True) -> Due:
    """Returns the last day of a period of months from start, shifted off rest days unless shift=False.

    The start day is not counted and the period ends on the corresponding day of the final month,
    or on that month's last day where there is none (Civil Code arts. 201-202). With ``shift`` a
    last day that is not a working day moves to the next working day (art. 203); ``estimated`` is
    True when that depended on a year without a published arrangement. Shifting is defined for
    forward periods only: a period counted backwards ("within 3 months before") must use
    ``shift=False``, because moving its earliest day forward would silently shorten it.
    """
    end = add_months(start, months)
    if not shift:
        return Due(end, False)
    if months < 0:
        raise TimeRuleError(
            T_PERIOD_RULE_ID,
            f"a period counted backwards ({months} months) cannot be shifted to the next working day; "
            "use shift=False",
            f"向前倒推的期间（{months} 个月）不能顺延至下一个工作日，请不作顺延",
        )
    return calendar.next_workday(end, inclusive=True)


# --- T-RETIRE --------------------------------------------------------------------------------------


class RetirementCategory(StrEnum):
    """Which original statutory retirement age applies: men 60, women cadre 55, women worker 50."""

    MALE = "male"
    FEMALE_55 = "female_55"
    FEMALE_50 = "female_50"


@dataclass(frozen=True, slots=True)
class RetirementAge:
    """A statutory retirement age in years and months (e.g. 60 years 1 month)."""

    years: int
    months: int

    @property
    def total_months(self) -> int:
        """Returns the age in months."""
        return self.years * 12 + self.months

    @property
    def label(self) -> str:
        """Returns the age in English, e.g. "60 years 1 month"."""
        year_part = f"{self.years} year{'s' if self.years != 1 else ''}"
        if not self.months:
            return year_part
        return f"{year_part} {self.months} month{'s' if self.months != 1 else ''}"

    @property
    def label_zh(self) -> str:
        """Returns the age as the official tables print it, e.g. "60岁1个月"."""
        return f"{self.years}岁{self.months}个月" if self.months else f"{self.years}岁"


@dataclass(frozen=True, slots=True)
class RetirementRule:
    """One category's row of the 2024 decision: original age and how the delay grows by birth month."""

    original_age_years: int
    delay_start_year: int
    delay_start_month: int
    birth_months_per_delay_month: int
    max_delay_months: int
    name_zh: str

    def delay_months(self, birth_date: date) -> int:
        """Returns by how many months this row delays retirement for a birth date."""
        months_from_start = (birth_date.year - self.delay_start_year) * 12 + (birth_date.month - self.delay_start_month)
        if months_from_start < 0:
            return 0
        return min(self.max_delay_months, months_from_start // self.birth_months_per_delay_month + 1)


# T-RETIRE: the whole rule of the 2024 NPC Standing Committee decision (effective 2025-01-01),
# 国务院关于渐进式延迟法定退休年龄的办法 第一条. Born in or after the start month: the delay is
# min(max_delay, k // birth_months_per_delay_month + 1) months, k = months from the start month
# to the birth month; born before it: no delay. This is national law, not a regional policy
# parameter, so it lives here rather than in a policy pack.
RETIREMENT_RULES: Final[Mapping[RetirementCategory, RetirementRule]] = MappingProxyType(
    {
        # 男职工: 60 -> 63, one month later per 4 months of birth from 1965-01.
        RetirementCategory.MALE: RetirementRule(
            original_age_years=60,
            delay_start_year=1965,
            delay_start_month=1,
            birth_months_per_delay_month=4,
            max_delay_months=36,
            name_zh="男职工",
        ),
        # 原法定退休年龄为五十五周岁的女职工: 55 -> 58, one month per 4 months from 1970-01.
        RetirementCategory.FEMALE_55: RetirementRule(
            original_age_years=55,
            delay_start_year=1970,
            delay_start_month=1,
            birth_months_per_delay_month=4,
            max_delay_months=36,
            name_zh="原法定退休年龄为五十五周岁的女职工",
        ),
        # 原法定退休年龄为五十周岁的女职工: 50 -> 55, one month per 2 months from 1975-01.
        RetirementCategory.FEMALE_50: RetirementRule(
            original_age_years=50,
            delay_start_year=1975,
            delay_start_month=1,
            birth_months_per_delay_month=2,
            max_delay_months=60,
            name_zh="原法定退休年龄为五十周岁的女职工",
        ),
    }
)


def retirement_delay_months(birth_date: date, category: RetirementCategory) -> int:
    """Returns by how many months the 2024 decision delays retirement for a birth date (T-RETIRE)."""
    return RETIREMENT_RULES[RetirementCategory(category)].delay_months(birth_date)


def retirement_age(birth_date: date, category: RetirementCategory) -> RetirementAge:
    """Returns the statutory retirement age for a birth date and category (T-RETIRE)."""
    rule = RETIREMENT_RULES[RetirementCategory(category)]
    total = rule.original_age_years * 12 + rule.delay_months(birth_date)
    return RetirementAge(years=total // 12, months=total % 12)


def retirement_date(birth_date: date, category: RetirementCategory) -> date:
    """Returns the retirement date: birth date plus the retirement age (T-PERIOD day rule, no shift)."""
    return add_months(birth_date, retirement_age(birth_date, category).total_months)
