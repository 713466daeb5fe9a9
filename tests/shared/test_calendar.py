"""Tests of the working-day calendar (T-WORKDAY)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.calendar import (
    MAX_DATE,
    MIN_DATE,
    T_WORKDAY_RULE_ID,
    T_WORKDAY_SOURCE,
    CalendarRangeError,
    DayKind,
    Due,
    TimeRuleError,
    WorkdayCalendar,
    YearArrangement,
    chinesecalendar_years,
    default_calendar,
)
from shared.statutory_holidays import statutory_holidays

CAL = default_calendar()
SEEDED_YEARS = sorted(chinesecalendar_years())
LAST_SEEDED_YEAR = SEEDED_YEARS[-1]
# The package covers 2004-2026 today; when it publishes 2027 these tests move on by themselves.
FIRST_UNSEEDED_YEAR = LAST_SEEDED_YEAR + 1
ONE_DAY = timedelta(days=1)

# Starts far enough from MAX_DATE that 1000 working days (the API maximum) still fit.
# 1000 working days must fit before 2150-12-31: estimated years keep their ~13 statutory days off (and
# 补假), about 248 working days a year, so starts end in mid-2146.
starts = st.dates(min_value=MIN_DATE, max_value=date(2146, 6, 30))
workday_counts = st.integers(min_value=0, max_value=1000)


def naive_add_workdays(calendar: WorkdayCalendar, start: date, days: int) -> date:
    """A day-by-day reference for add_workdays (T-WORKDAY), slow and obviously right."""
    current = start
    remaining = days
    while remaining:
        current += ONE_DAY
        if calendar.is_workday(current):
            remaining -= 1
    return current


def empty_year(year: int) -> YearArrangement:
    return YearArrangement(year=year, holidays={}, makeup_workdays={}, source="test: no holidays")


class TestRuleIdentity:
    def test_rule_id_and_source_name_the_rule_and_the_state_council_arrangement(self) -> None:
        assert T_WORKDAY_RULE_ID == "T-WORKDAY"
        assert "全国年节及纪念日放假办法" in T_WORKDAY_SOURCE
        assert "国务院办公厅" in T_WORKDAY_SOURCE


class TestSeedData:
    def test_package_years_cover_2004_through_2026_without_gaps(self) -> None:
        assert SEEDED_YEARS[0] == 2004
        assert LAST_SEEDED_YEAR >= 2026
        assert SEEDED_YEARS == list(range(2004, LAST_SEEDED_YEAR + 1))

    def test_default_calendar_knows_exactly_the_package_years(self) -> None:
        assert CAL.known_years == frozenset(SEEDED_YEARS)

    def test_default_calendar_is_built_once(self) -> None:
        assert default_calendar() is CAL

    def test_every_seeded_day_agrees_with_the_package(self) -> None:
        day = date(2004, 1, 1)
        last = date(LAST_SEEDED_YEAR, 12, 31)
        mismatches = []
        while day <= last:
            if CAL.is_workday(day) != chinese_calendar.is_workday(day):
                mismatches.append(day)
            day += ONE_DAY
        assert mismatches == []

    def test_holiday_names_carry_english_and_chinese(self) -> None:
        arrangement = chinesecalendar_years()[2026]
        assert arrangement.holidays[date(2026, 10, 1)] == "National Day / 国庆节"
        assert arrangement.holidays[date(2026, 2, 17)] == "Spring Festival / 春节"
        assert arrangement.makeup_workdays[date(2026, 2, 14)] == "Spring Festival / 春节"

    def test_each_year_names_its_source(self) -> None:
        arrangement = chinesecalendar_years()[2026]
        assert "chinesecalendar" in arrangement.source
        assert "2026" in arrangement.source


class TestKnownDays2026:
    def test_saturday_14_february_is_a_makeup_workday(self) -> None:
        info = CAL.day(date(2026, 2, 14))
        assert date(2026, 2, 14).weekday() == 5
        assert info.workday is True
        assert info.kind is DayKind.MAKEUP_WORKDAY
        assert info.holiday_name == "Spring Festival / 春节"
        assert info.estimated is False

    def test_thursday_1_october_is_a_holiday(self) -> None:
        info = CAL.day(date(2026, 10, 1))
        assert date(2026, 10, 1).weekday() == 3
        assert info.workday is False
        assert info.kind is DayKind.HOLIDAY
        assert info.holiday_name == "National Day / 国庆节"

    def test_weekend_inside_a_holiday_span_is_a_holiday(self) -> None:
        info = CAL.day(date(2026, 10, 3))
        assert date(2026, 10, 3).weekday() == 5
        assert info.kind is DayKind.HOLIDAY

    def test_ordinary_saturday_is_a_weekend(self) -> None:
        info = CAL.day(date(2026, 3, 7))
        assert (info.workday, info.kind, info.holiday_name) == (False, DayKind.WEEKEND, None)

    def test_ordinary_monday_is_a_workday(self) -> None:
        info = CAL.day(date(2026, 3, 9))
        assert (info.workday, info.kind, info.holiday_name) == (True, DayKind.WORKDAY, None)

    def test_day_info_carries_the_date_asked_for(self) -> None:
        assert CAL.day(date(2026, 5, 20)).date == date(2026, 5, 20)


class TestSpringFestival2026:
    def test_15_to_23_february_are_all_rest_days(self) -> None:
        for offset in range(9):
            info = CAL.day(date(2026, 2, 15) + timedelta(days=offset))
            assert info.workday is False
            assert info.kind is DayKind.HOLIDAY
            assert info.holiday_name == "Spring Festival / 春节"

    def test_day_before_the_span_is_a_workday(self) -> None:
        assert CAL.is_workday(date(2026, 2, 14)) is True

    def test_day_after_the_span_is_a_workday(self) -> None:
        assert CAL.is_workday(date(2026, 2, 24)) is True

    def test_saturday_28_february_is_a_makeup_workday(self) -> None:
        assert CAL.day(date(2026, 2, 28)).kind is DayKind.MAKEUP_WORKDAY


class TestNationalDay2026:
    def test_1_to_7_october_are_all_rest_days(self) -> None:
        for offset in range(7):
            info = CAL.day(date(2026, 10, 1) + timedelta(days=offset))
            assert info.workday is False
            assert info.kind is DayKind.HOLIDAY
            assert info.holiday_name == "National Day / 国庆节"

    def test_30_september_before_the_span_is_a_workday(self) -> None:
        assert CAL.day(date(2026, 9, 30)).kind is DayKind.WORKDAY

    def test_8_october_after_the_span_is_a_workday(self) -> None:
        assert CAL.day(date(2026, 10, 8)).kind is DayKind.WORKDAY

    def test_makeup_workdays_are_sunday_20_september_and_saturday_10_october(self) -> None:
        assert CAL.day(date(2026, 9, 20)).kind is DayKind.MAKEUP_WORKDAY
        assert CAL.day(date(2026, 10, 10)).kind is DayKind.MAKEUP_WORKDAY


class TestAddWorkdays:
    def test_zero_days_returns_the_start_even_on_a_holiday(self) -> None:
        assert CAL.add_workdays(date(2026, 10, 1), 0) == Due(date(2026, 10, 1), False)
        assert CAL.add_workdays(date(2026, 3, 9), 0) == Due(date(2026, 3, 9), False)

    def test_start_day_is_not_counted(self) -> None:
        assert CAL.add_workdays(date(2026, 3, 9), 1).due == date(2026, 3, 10)

    def test_one_day_from_the_day_before_national_day_jumps_the_holiday(self) -> None:
        assert CAL.add_workdays(date(2026, 9, 30), 1) == Due(date(2026, 10, 8), False)

    def test_one_day_from_inside_national_day_is_the_first_day_after_it(self) -> None:
        assert CAL.add_workdays(date(2026, 10, 1), 1).due == date(2026, 10, 8)
        assert CAL.add_workdays(date(2026, 10, 7), 1).due == date(2026, 10, 8)

    def test_one_day_from_the_last_day_before_national_day_boundary(self) -> None:
        # Day before / on / after the last pre-holiday workday.
        assert CAL.add_workdays(date(2026, 9, 29), 1).due == date(2026, 9, 30)
        assert CAL.add_workdays(date(2026, 9, 30), 1).due == date(2026, 10, 8)
        assert CAL.add_workdays(date(2026, 10, 8), 1).due == date(2026, 10, 9)

    def test_five_days_across_national_day_count_the_makeup_saturday(self) -> None:
        # 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (make-up), Mon 12 Oct.
        assert CAL.add_workdays(date(2026, 9, 29), 5) == Due(date(2026, 10, 12), False)

    def test_makeup_saturday_counts_as_a_working_day(self) -> None:
        assert CAL.add_workdays(date(2026, 2, 13), 1).due == date(2026, 2, 14)

    def test_spring_festival_is_skipped_whole(self) -> None:
        assert CAL.add_workdays(date(2026, 2, 14), 1).due == date(2026, 2, 24)

    def test_fifteen_working_days_match_a_day_by_day_count(self) -> None:
        assert CAL.add_workdays(date(2026, 9, 15), 15).due == naive_add_workdays(CAL, date(2026, 9, 15), 15)

    def test_negative_days_are_rejected_with_the_rule_id(self) -> None:
        with pytest.raises(ValueError) as caught:
            CAL.add_workdays(date(2026, 3, 9), -1)
        assert isinstance(caught.value, TimeRuleError)
        assert caught.value.rule == "T-WORKDAY"
        assert "工作日数不能为负数" in caught.value.message_zh


class TestNextWorkday:
    def test_exclusive_skips_a_working_start(self) -> None:
        assert CAL.next_workday(date(2026, 9, 30)).due == date(2026, 10, 8)

    def test_inclusive_keeps_a_working_start(self) -> None:
        assert CAL.next_workday(date(2026, 9, 30), inclusive=True) == Due(date(2026, 9, 30), False)

    def test_inclusive_moves_a_holiday_to_the_next_working_day(self) -> None:
        assert CAL.next_workday(date(2026, 10, 1), inclusive=True).due == date(2026, 10, 8)

    def test_inclusive_keeps_a_makeup_saturday(self) -> None:
        assert CAL.next_workday(date(2026, 10, 10), inclusive=True).due == date(2026, 10, 10)


class TestWorkdaysBetween:
    def test_counts_end_but_not_start(self) -> None:
        assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 10)) == 1
        assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 13)) == 4

    def test_national_day_holiday_contributes_nothing(self) -> None:
        assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
        assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 8)) == 1

    def test_spring_festival_span_counts_only_the_makeup_saturday_and_the_day_after(self) -> None:
        assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2

    def test_same_day_is_zero(self) -> None:
        assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0

    def test_end_before_start_is_zero(self) -> None:
        assert CAL.workdays_between(date(2026, 3, 13), date(2026, 3, 9)) == 0


class TestEstimated:
    def test_days_of_seeded_years_are_not_estimated(self) -> None:
        assert CAL.day(date(LAST_SEEDED_YEAR, 12, 31)).estimated is False
        assert CAL.day(date(2004, 1, 1)).estimated is False

    def test_days_after_the_seeded_years_are_estimated_with_their_statutory_holidays(self) -> None:
        first = date(FIRST_UNSEEDED_YEAR, 1, 1)
        info = CAL.day(first)
        assert info.estimated is True
        # Without a published arrangement 元旦 is still a holiday (放假办法 art. 2): only 调休 is unknown.
        assert (info.workday, info.kind) == (False, DayKind.HOLIDAY)
        assert info.holiday_name is not None and "元旦" in info.holiday_name
        ordinary = CAL.day(date(FIRST_UNSEEDED_YEAR, 3, 10))
        assert ordinary.estimated and ordinary.holiday_name is None

    def test_days_before_2004_are_estimated(self) -> None:
        info = CAL.day(date(2003, 10, 1))  # National Day, a Wednesday: unknown without data
        assert (info.estimated, info.workday, info.kind) == (True, True, DayKind.WORKDAY)
        assert CAL.day(date(2003, 10, 4)).kind is DayKind.WEEKEND

    def test_answer_inside_an_unseeded_year_is_estimated(self) -> None:
        result = CAL.add_workdays(date(FIRST_UNSEEDED_YEAR + 1, 6, 1), 10)
        assert result.estimated is True
        assert result.due == naive_add_workdays(CAL, date(FIRST_UNSEEDED_YEAR + 1, 6, 1), 10)

    def test_span_crossing_into_the_first_unseeded_year_is_estimated(self) -> None:
        last_seeded_workday = CAL.next_workday(date(LAST_SEEDED_YEAR, 12, 31) - 10 * ONE_DAY).due
        staying = CAL.workdays_between(last_seeded_workday, date(LAST_SEEDED_YEAR, 12, 31))
        # The day before / on / after the year boundary.
        assert CAL.add_workdays(last_seeded_workday, staying).estimated is False
        crossing = CAL.add_workdays(last_seeded_workday, staying + 1)
        assert crossing.due.year == FIRST_UNSEEDED_YEAR
        assert crossing.estimated is True

    def test_2026_into_2027_is_estimated_while_2027_is_unseeded(self) -> None:
        if 2027 in CAL.known_years:
            pytest.skip("the installed chinesecalendar already publishes 2027")
        assert CAL.add_workdays(date(2026, 12, 30), 1) == Due(date(2026, 12, 31), False)
        # Fri 2027-01-01 is 元旦 even before the State Council publishes 2027: Monday 4 January.
        crossing = CAL.add_workdays(date(2026, 12, 30), 2)
        assert crossing == Due(date(2027, 1, 4), True)

    def test_zero_days_is_estimated_only_when_the_start_is(self) -> None:
        assert CAL.add_workdays(date(FIRST_UNSEEDED_YEAR, 3, 1), 0).estimated is True
        assert CAL.add_workdays(date(LAST_SEEDED_YEAR, 3, 1), 0).estimated is False

    def test_span_starting_before_2004_and_ending_after_is_estimated(self) -> None:
        assert CAL.add_workdays(date(2003, 12, 31), 1).estimated is True
        assert CAL.add_workdays(date(2004, 1, 5), 1).estimated is False


class TestReplaceYear:
    def _year_with_new_years_day(self, year: int) -> YearArrangement:
        weekdays = [d for d in (date(year, 1, 1) + timedelta(days=i) for i in range(10)) if d.weekday() < 5]
        holidays = {d: "New Year's Day / 元旦" for d in weekdays[:3]}
        saturday = next(d for d in (weekdays[2] + timedelta(days=i) for i in range(1, 8)) if d.weekday() == 5)
        return YearArrangement(year=year, holidays=holidays,
                               makeup_workdays={saturday: "New Year's Day / 元旦"}, source="test notice")

    def test_replacing_an_unseeded_year_makes_it_known_and_not_estimated(self) -> None:
        replaced = CAL.replace_year(self._year_with_new_years_day(FIRST_UNSEEDED_YEAR))
        assert FIRST_UNSEEDED_YEAR in replaced.known_years
        assert replaced.day(date(FIRST_UNSEEDED_YEAR, 6, 1)).estimated is False
        assert replaced.add_workdays(date(FIRST_UNSEEDED_YEAR - 1, 12, 31), 3).estimated is False

    def test_replacing_a_year_changes_the_answers(self) -> None:
        arrangement = self._year_with_new_years_day(FIRST_UNSEEDED_YEAR)
        replaced = CAL.replace_year(arrangement)
        for holiday in arrangement.holidays:
            assert replaced.day(holiday).kind is DayKind.HOLIDAY and not replaced.day(holiday).estimated
            statutory = statutory_holidays(FIRST_UNSEEDED_YEAR)
            assert CAL.day(holiday).kind is (DayKind.HOLIDAY if holiday in statutory else DayKind.WORKDAY)
        saturday = next(iter(arrangement.makeup_workdays))
        assert replaced.day(saturday).kind is DayKind.MAKEUP_WORKDAY
        assert CAL.day(saturday).kind is DayKind.WEEKEND
        start = date(FIRST_UNSEEDED_YEAR - 1, 12, 20)
        assert replaced.add_workdays(start, 15) != CAL.add_workdays(start, 15)
        assert replaced.add_workdays(start, 15).due == naive_add_workdays(replaced, start, 15)

    def test_replacing_a_seeded_year_overrides_the_package(self) -> None:
        replaced = CAL.replace_year(empty_year(2026))
        assert replaced.day(date(2026, 10, 1)).kind is DayKind.WORKDAY
        assert replaced.day(date(2026, 2, 14)).kind is DayKind.WEEKEND
        assert replaced.add_workdays(date(2026, 9, 30), 1).due == date(2026, 10, 1)

    def test_the_original_calendar_is_unchanged(self) -> None:
        CAL.replace_year(empty_year(2026))
        assert CAL.day(date(2026, 10, 1)).kind is DayKind.HOLIDAY
        assert FIRST_UNSEEDED_YEAR not in CAL.known_years

    def test_later_changes_to_the_callers_dicts_do_not_leak_in(self) -> None:
        holidays: dict[date, str] = {}
        replaced = CAL.replace_year(YearArrangement(FIRST_UNSEEDED_YEAR, holidays, {}, "test"))
        holidays[date(FIRST_UNSEEDED_YEAR, 3, 3)] = "late edit"
        assert replaced.day(date(FIRST_UNSEEDED_YEAR, 3, 3)).holiday_name is None

    def test_arrangement_returns_the_stored_year_or_none(self) -> None:
        replaced = CAL.replace_year(empty_year(FIRST_UNSEEDED_YEAR))
        stored = replaced.arrangement(FIRST_UNSEEDED_YEAR)
        assert stored is not None and stored.source == "test: no holidays"
        assert CAL.arrangement(FIRST_UNSEEDED_YEAR) is None

    def test_replace_years_applies_every_year_and_the_last_of_a_duplicate_wins(self) -> None:
        later = YearArrangement(2026, {date(2026, 3, 9): "test holiday"}, {}, "second")
        replaced = CAL.replace_years([empty_year(FIRST_UNSEEDED_YEAR), empty_year(2026), later])
        assert FIRST_UNSEEDED_YEAR in replaced.known_years
        assert replaced.day(date(2026, 3, 9)).kind is DayKind.HOLIDAY
        assert replaced.day(date(2026, 10, 1)).kind is DayKind.WORKDAY

    def test_calendar_refuses_attribute_changes(self) -> None:
        with pytest.raises(AttributeError):
            CAL.known_years = frozenset()  # type: ignore[misc]
        with pytest.raises(AttributeError):
            CAL._rank = []


class TestYearArrangementValidation:
    def test_a_date_from_another_year_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError, match="does not belong"):
            YearArrangement(2027, {date(2026, 10, 1): "x"}, {}, "test")

    def test_a_day_both_holiday_and_makeup_is_rejected(self) -> None:
        saturday = date(2027, 1, 2)
        with pytest.raises(TimeRuleError, match="both"):
            YearArrangement(2027, {saturday: "x"}, {saturday: "x"}, "test")

    def test_a_weekday_makeup_workday_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError, match="not a Saturday or Sunday") as caught:
            YearArrangement(2027, {}, {date(2027, 1, 4): "x"}, "test")
        assert caught.value.rule == "T-WORKDAY"

    def test_a_year_outside_the_range_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError):
            YearArrangement(2151, {}, {}, "test")
        with pytest.raises(TimeRuleError):
            YearArrangement(1948, {}, {}, "test")

    def test_a_year_filed_under_another_key_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError, match="under year"):
            WorkdayCalendar({2027: empty_year(2028)})


class TestRange:
    def test_first_and_last_supported_days_are_answered(self) -> None:
        assert CAL.day(MIN_DATE).date == date(1949, 1, 1)
        assert CAL.day(MAX_DATE).date == date(2150, 12, 31)
        assert CAL.add_workdays(MAX_DATE, 0).due == MAX_DATE

    def test_day_before_the_range_is_rejected(self) -> None:
        with pytest.raises(CalendarRangeError) as caught:
            CAL.day(MIN_DATE - ONE_DAY)
        assert caught.value.rule == "T-WORKDAY"
        assert caught.value.day == date(1948, 12, 31)
        assert "1948-12-31" in caught.value.message
        assert "超出工作日历支持范围" in caught.value.message_zh

    def test_day_after_the_range_is_rejected_by_every_question(self) -> None:
        outside = MAX_DATE + ONE_DAY
        with pytest.raises(CalendarRangeError):
            CAL.day(outside)
        with pytest.raises(CalendarRangeError):
            CAL.is_workday(outside)
        with pytest.raises(CalendarRangeError):
            CAL.add_workdays(outside, 1)
        with pytest.raises(CalendarRangeError):
            CAL.next_workday(outside)
        with pytest.raises(CalendarRangeError):
            CAL.workdays_between(date(2026, 1, 1), outside)
        with pytest.raises(CalendarRangeError):
            CAL.workdays_between(MIN_DATE - ONE_DAY, date(2026, 1, 1))

    def test_range_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            CAL.add_workdays(MIN_DATE - ONE_DAY, 0)

    def test_an_answer_beyond_the_range_is_rejected(self) -> None:
        remaining = CAL.workdays_between(date(2150, 12, 1), MAX_DATE)
        assert CAL.add_workdays(date(2150, 12, 1), remaining).due <= MAX_DATE
        with pytest.raises(CalendarRangeError, match="beyond"):
            CAL.add_workdays(date(2150, 12, 1), remaining + 1)


class TestProperties:
    @given(start=starts, days=st.integers(min_value=1, max_value=1000))
    def test_a_positive_count_lands_on_a_working_day_after_the_start(self, start: date, days: int) -> None:
        due = CAL.add_workdays(start, days).due
        assert due > start
        assert CAL.is_workday(due)

    @given(start=starts, days=st.integers(min_value=0, max_value=999))
    def test_monotone_in_the_count(self, start: date, days: int) -> None:
        assert CAL.add_workdays(start, days).due < CAL.add_workdays(start, days + 1).due

    # The later start plus 1,000 working days (about four years) must stay inside the calendar's range.
    @given(first=st.dates(min_value=MIN_DATE, max_value=date(2145, 6, 30)), gap=st.integers(min_value=0, max_value=400),
           days=workday_counts)
    def test_monotone_in_the_start(self, first: date, gap: int, days: int) -> None:
        second = first + timedelta(days=gap)
        assert CAL.add_workdays(first, days).due <= CAL.add_workdays(second, days).due

    @given(start=starts, days=workday_counts)
    def test_workdays_between_inverts_add_workdays(self, start: date, days: int) -> None:
        assert CAL.workdays_between(start, CAL.add_workdays(start, days).due) == days

    @given(start=starts, days=st.integers(min_value=0, max_value=60))
    def test_agrees_with_a_day_by_day_count(self, start: date, days: int) -> None:
        assert CAL.add_workdays(start, days).due == naive_add_workdays(CAL, start, days)

    @given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2031, 12, 31)), days=workday_counts)
    def test_estimated_exactly_when_a_day_in_between_lies_in_an_unseeded_year(
        self, start: date, days: int
    ) -> None:
        result = CAL.add_workdays(start, days)
        years = range(start.year, result.due.year + 1)
        assert result.estimated == any(year not in CAL.known_years for year in years)

    @given(day=st.dates(min_value=MIN_DATE, max_value=MAX_DATE))
    def test_days_without_data_fall_back_to_plain_weekends(self, day: date) -> None:
        info = CAL.day(day)
        assert info.estimated == (day.year not in CAL.known_years)
        if info.estimated:
            statutory = day in statutory_holidays(day.year)
            assert info.workday == (day.weekday() < 5 and not statutory)
            expected = DayKind.HOLIDAY if statutory else DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND
            assert info.kind is expected
        assert info.workday == CAL.is_workday(day)
