"""Working-day calendar (T-WORKDAY): the State Council holiday arrangement, plain weekends without data."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final, NamedTuple, NoReturn

import chinese_calendar  # type: ignore[import-untyped]

from shared import statutory_holidays

T_WORKDAY_RULE_ID: Final = "T-WORKDAY"
T_WORKDAY_SOURCE: Final = "国务院办公厅关于部分节假日安排的通知；《全国年节及纪念日放假办法》"

MIN_DATE: Final = date(1949, 1, 1)
MAX_DATE: Final = date(2150, 12, 31)

_MIN_ORDINAL: Final = MIN_DATE.toordinal()
_MAX_ORDINAL: Final = MAX_DATE.toordinal()
_DAY_COUNT: Final = _MAX_ORDINAL - _MIN_ORDINAL + 1
_RANGE_ZH: Final = "1949年1月1日至2150年12月31日"


def _date_zh(day: date) -> str:
    # shared.wording.date_zh, written out here: shared.wording is imported by modules this one serves.
    return f"{day.year}年{day.month}月{day.day}日"

# Compact day codes used while building the precomputed arrays.
_WORKDAY, _WEEKEND, _HOLIDAY, _MAKEUP = 0, 1, 2, 3


class DayKind(StrEnum):
    """What a day is under the holiday arrangement."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


_KIND_BY_CODE: Final = (DayKind.WORKDAY, DayKind.WEEKEND, DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY)


class TimeRuleError(ValueError):
    """An input the time rules cannot answer, with its rule ID and a message in English and Chinese."""

    def __init__(self, rule: str, message: str, message_zh: str) -> None:
        super().__init__(f"{rule}: {message} / {message_zh}")
        self.rule = rule
        self.message = message
        self.message_zh = message_zh


class CalendarRangeError(TimeRuleError):
    """A date, or the answer to a question, lies outside the supported range 1949-01-01 .. 2150-12-31."""

    def __init__(self, day: date, *, answer: bool = False) -> None:
        self.day = day
        if answer:
            message = (
                f"the answer for {day.isoformat()} lies beyond the supported calendar range "
                f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
            )
            message_zh = f"自{_date_zh(day)}起计算的结果超出工作日历支持范围（{_RANGE_ZH}）"
        else:
            message = (
                f"{day.isoformat()} is outside the supported calendar range "
                f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
            )
            message_zh = f"日期{_date_zh(day)}超出工作日历支持范围（{_RANGE_ZH}）"
        super().__init__(T_WORKDAY_RULE_ID, message, message_zh)


@dataclass(frozen=True)
class YearArrangement:
    """One year's holidays and make-up workdays (调休上班), each with the holiday's name."""

    year: int
    holidays: dict[date, str]
    makeup_workdays: dict[date, str]
    source: str

    def __post_init__(self) -> None:
        if not MIN_DATE.year <= self.year <= MAX_DATE.year:
            raise TimeRuleError(
                T_WORKDAY_RULE_ID,
                f"year {self.year} is outside the supported range {MIN_DATE.year}..{MAX_DATE.year}",
                f"年份 {self.year} 超出支持范围（{MIN_DATE.year} 至 {MAX_DATE.year}）",
            )
        for day in itertools.chain(self.holidays, self.makeup_workdays):
            if day.year != self.year:
                raise TimeRuleError(
                    T_WORKDAY_RULE_ID,
                    f"{day.isoformat()} does not belong to the arrangement for {self.year}",
                    f"日期 {day.isoformat()} 不属于 {self.year} 年的节假日安排",
                )
        for day in self.makeup_workdays:
            if day in self.holidays:
                raise TimeRuleError(
                    T_WORKDAY_RULE_ID,
                    f"{day.isoformat()} is listed both as a holiday and as a make-up workday",
                    f"日期 {day.isoformat()} 同时被列为放假日和调休上班日",
                )
            # A make-up workday only means something on a weekend; on a weekday it is a data error.
            if day.weekday() < 5:
                raise TimeRuleError(
                    T_WORKDAY_RULE_ID,
                    f"make-up workday {day.isoformat()} is not a Saturday or Sunday",
                    f"调休上班日 {day.isoformat()} 不是周六或周日",
                )


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What one day is, and whether that is an estimate (its year has no published arrangement)."""

    date: date
    workday: bool
    kind: DayKind
    holiday_name: str | None
    estimated: bool


class Due(NamedTuple):
    """A due date and whether any day it depends on lies in a year without data."""

    due: date
    estimated: bool


def _weekday_of_ordinal(ordinal: int) -> int:
    # Ordinal 1 (0001-01-01) is a Monday, matching date.weekday().
    return (ordinal - 1) % 7


class WorkdayCalendar:
    """An immutable working-day calendar over 1949-01-01 .. 2150-12-31 (T-WORKDAY).

    Everything is precomputed at construction so that every question is answered in O(1):
    per day the kind, the number of working days up to it and the number of estimated days
    before it; per working day its date and both possible answers.
    """

    __slots__ = (
        "_codes",
        "_day_cache",
        "_due_estimated",
        "_due_known",
        "_est_before_day",
        "_est_through_workday",
        "_estimated_flags",
        "_known_years",
        "_names",
        "_rank",
        "_workday_count",
        "_workday_flags",
        "_years",
    )

    _years: Mapping[int, YearArrangement]
    _known_years: frozenset[int]
    _workday_flags: bytes
    _rank: list[int]
    _workday_count: int
    _est_before_day: list[int]
    _est_through_workday: list[int]
    _due_known: list[Due]
    _due_estimated: list[Due]
    _codes: bytes
    _names: dict[int, str]
    _estimated_flags: bytes
    _day_cache: list[DayInfo | None]

    def __init__(self, years: Mapping[int, YearArrangement]) -> None:
        frozen_years: dict[int, YearArrangement] = {}
        for year, arrangement in years.items():
            if year != arrangement.year:
                raise TimeRuleError(
                    T_WORKDAY_RULE_ID,
                    f"arrangement for {arrangement.year} was given under year {year}",
                    f"{arrangement.year} 年的节假日安排被登记在 {year} 年之下",
                )
            # Copies, so a caller mutating its dicts later cannot change this calendar.
            frozen_years[year] = YearArrangement(
                year=arrangement.year,
                holidays=dict(arrangement.holidays),
                makeup_workdays=dict(arrangement.makeup_workdays),
                source=arrangement.source,
            )
        set_ = object.__setattr__
        set_(self, "_years", MappingProxyType(frozen_years))
        set_(self, "_known_years", frozenset(frozen_years))

        codes = bytearray(
            _WEEKEND if _weekday_of_ordinal(o) >= 5 else _WORKDAY
            for o in range(_MIN_ORDINAL, _MAX_ORDINAL + 1)
        )
        names: dict[int, str] = {}
        estimated = bytearray(b"\x01") * _DAY_COUNT
        # A year without a published arrangement still has its statutory holidays (and 补假): estimated
        # from the holiday measures, so that only the 调休 of such a year can be wrong.
        for year in statutory_holidays.covered_years():
            if year in frozen_years or not MIN_DATE.year <= year <= MAX_DATE.year:
                continue
            for day, name in statutory_holidays.statutory_holidays(year).items():
                index = day.toordinal() - _MIN_ORDINAL
                codes[index] = _HOLIDAY
                names[index] = name
        for arrangement in frozen_years.values():
            first = date(arrangement.year, 1, 1).toordinal() - _MIN_ORDINAL
            last = date(arrangement.year, 12, 31).toordinal() - _MIN_ORDINAL
            estimated[first : last + 1] = bytes(last - first + 1)
            for day, name in arrangement.holidays.items():
                index = day.toordinal() - _MIN_ORDINAL
                codes[index] = _HOLIDAY
                names[index] = name
            for day, name in arrangement.makeup_workdays.items():
                index = day.toordinal() - _MIN_ORDINAL
                codes[index] = _MAKEUP
                names[index] = name

        flags = bytes(1 if code in (_WORKDAY, _MAKEUP) else 0 for code in codes)
        # rank[i]: working days in [MIN_DATE, day i]; the first working day after day i is
        # therefore workday number rank[i] (0-based): a bisect answered in advance for every day.
        rank = list(itertools.accumulate(flags))
        est_before = [0, *itertools.accumulate(estimated)]
        workday_ordinals = [_MIN_ORDINAL + i for i, flag in enumerate(flags) if flag]
        workday_dates = [date.fromordinal(o) for o in workday_ordinals]
        est_through = [est_before[o - _MIN_ORDINAL + 1] for o in workday_ordinals]

        set_(self, "_workday_flags", flags)
        set_(self, "_rank", rank)
        set_(self, "_est_before_day", est_before)
        set_(self, "_workday_count", len(workday_ordinals))
        set_(self, "_est_through_workday", est_through)
        # Both possible answers per working day are built once, so the hot path allocates nothing.
        set_(self, "_due_known", [Due(d, False) for d in workday_dates])
        set_(self, "_due_estimated", [Due(d, True) for d in workday_dates])
        set_(self, "_codes", bytes(codes))
        set_(self, "_names", names)
        set_(self, "_estimated_flags", bytes(estimated))
        # DayInfo objects are made on first use: building all 73,800 up front costs more than
        # the rest of the construction together, and most days are never asked about.
        set_(self, "_day_cache", [None] * _DAY_COUNT)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; use replace_year() to get a new calendar")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        years = sorted(self._known_years)
        span = f"{years[0]}..{years[-1]}" if years else "none"
        return f"<WorkdayCalendar known_years={span} ({len(years)} years)>"

    @property
    def known_years(self) -> frozenset[int]:
        """Returns the years that have a published arrangement; other years are estimated."""
        return self._known_years

    def arrangement(self, year: int) -> YearArrangement | None:
        """Returns the arrangement the calendar holds for a year, or None for an estimated year."""
        return self._years.get(year)

    def day(self, d: date) -> DayInfo:
        """Returns what a day is under the holiday arrangement (T-WORKDAY)."""
        index = d.toordinal() - _MIN_ORDINAL
        if 0 <= index < _DAY_COUNT:
            info = self._day_cache[index]
            if info is None:
                info = self._make_day(index)
                # Concurrent first calls build equal objects; either may win, both are correct.
                self._day_cache[index] = info
            return info
        raise CalendarRangeError(d)

    def _make_day(self, index: int) -> DayInfo:
        code = self._codes[index]
        return DayInfo(
            date=date.fromordinal(_MIN_ORDINAL + index),
            workday=code in (_WORKDAY, _MAKEUP),
            kind=_KIND_BY_CODE[code],
            holiday_name=self._names.get(index),
            estimated=self._estimated_flags[index] == 1,
        )

    def is_workday(self, d: date) -> bool:
        """Returns whether a day is a working day (T-WORKDAY)."""
        index = d.toordinal() - _MIN_ORDINAL
        if 0 <= index < _DAY_COUNT:
            return self._workday_flags[index] == 1
        raise CalendarRangeError(d)

    def add_workdays(self, start: date, days: int) -> Due:
        """Returns the days-th working day after start (start not counted; 0 returns start) (T-WORKDAY)."""
        index = start.toordinal() - _MIN_ORDINAL
        if days > 0 and 0 <= index < _DAY_COUNT:
            position = self._rank[index] + days - 1
            if position < self._workday_count:
                if self._est_through_workday[position] == self._est_before_day[index]:
                    return self._due_known[position]
                return self._due_estimated[position]
        return self._add_workdays_edge(start, index, days)

    def _add_workdays_edge(self, start: date, index: int, days: int) -> Due:
        # The cases the fast path leaves out: errors and days == 0.
        if not 0 <= index < _DAY_COUNT:
            raise CalendarRangeError(start)
        if days < 0:
            _raise_negative_days(days)
        if days == 0:
            return Due(start, self._est_before_day[index + 1] != self._est_before_day[index])
        raise CalendarRangeError(start, answer=True)

    def next_workday(self, d: date, *, inclusive: bool = False) -> Due:
        """Returns the first working day after d, or d itself when inclusive and d is a working day."""
        if inclusive and self.is_workday(d):
            return self.add_workdays(d, 0)
        return self.add_workdays(d, 1)

    def workdays_between(self, start: date, end: date) -> int:
        """Returns the number of working days in (start, end]; 0 when end is not after start."""
        start_index = start.toordinal() - _MIN_ORDINAL
        end_index = end.toordinal() - _MIN_ORDINAL
        if not 0 <= start_index < _DAY_COUNT:
            raise CalendarRangeError(start)
        if not 0 <= end_index < _DAY_COUNT:
            raise CalendarRangeError(end)
        if end_index <= start_index:
            return 0
        return self._rank[end_index] - self._rank[start_index]

    def replace_year(self, arrangement: YearArrangement) -> WorkdayCalendar:
        """Returns a new calendar with one year's arrangement added or replaced; this one is unchanged."""
        return self.replace_years((arrangement,))

    def replace_years(self, arrangements: Iterable[YearArrangement]) -> WorkdayCalendar:
        """Returns a new calendar with several years replaced at once (one build instead of one per year)."""
        years = dict(self._years)
        for arrangement in arrangements:
            years[arrangement.year] = arrangement
        return WorkdayCalendar(years)


def _raise_negative_days(days: int) -> NoReturn:
    raise TimeRuleError(
        T_WORKDAY_RULE_ID,
        f"the number of working days must not be negative (got {days})",
        f"工作日数不能为负数（收到 {days}）",
    )


def _bilingual_holiday_name(english: str) -> str:
    try:
        chinese = str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english
    return f"{english} / {chinese}"


def chinesecalendar_years() -> dict[int, YearArrangement]:
    """Returns each year's arrangement from the chinesecalendar package, names in English and Chinese."""
    version = str(getattr(chinese_calendar, "__version__", "unknown"))
    holidays_by_year: dict[int, dict[date, str]] = {}
    makeups_by_year: dict[int, dict[date, str]] = {}
    for day, english in chinese_calendar.holidays.items():
        holidays_by_year.setdefault(day.year, {})[day] = _bilingual_holiday_name(english)
    for day, english in chinese_calendar.workdays.items():
        makeups_by_year.setdefault(day.year, {})[day] = _bilingual_holiday_name(english)
    return {
        year: YearArrangement(
            year=year,
            holidays=dict(sorted(holidays_by_year.get(year, {}).items())),
            makeup_workdays=dict(sorted(makeups_by_year.get(year, {}).items())),
            source=(
                f"chinesecalendar {version}: 国务院办公厅关于{year}年部分节假日安排的通知 "
                f"(State Council General Office notice on the {year} holiday arrangement)"
            ),
        )
        for year in sorted(holidays_by_year.keys() | makeups_by_year.keys())
    }


@functools.cache
def default_calendar() -> WorkdayCalendar:
    """Returns the calendar seeded from the chinesecalendar package, built once per process."""
    return WorkdayCalendar(chinesecalendar_years())
