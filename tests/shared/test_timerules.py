"""Tests of the time rules: T-AGE, T-PERIOD and T-RETIRE (boundaries; the full tables are elsewhere)."""

from __future__ import annotations

import calendar as gregorian
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.calendar import MIN_DATE, Due, TimeRuleError, YearArrangement, default_calendar
from shared.timerules import (
    RETIREMENT_RULES,
    T_AGE_RULE_ID,
    T_PERIOD_RULE_ID,
    T_PERIOD_SOURCE,
    T_RETIRE_RULE_ID,
    T_RETIRE_SOURCE,
    RetirementAge,
    RetirementCategory,
    add_months,
    age_on,
    nth_birthday,
    period_end,
    retirement_age,
    retirement_date,
    retirement_delay_months,
)

CAL = default_calendar()
ONE_DAY = timedelta(days=1)
LAST_SEEDED_YEAR = max(CAL.known_years)
FIRST_UNSEEDED_YEAR = LAST_SEEDED_YEAR + 1

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
period_starts = st.dates(min_value=MIN_DATE + ONE_DAY, max_value=date(2140, 12, 31))


class TestRuleIdentity:
    def test_rule_ids_and_sources(self) -> None:
        assert (T_AGE_RULE_ID, T_PERIOD_RULE_ID, T_RETIRE_RULE_ID) == ("T-AGE", "T-PERIOD", "T-RETIRE")
        assert "201" in T_PERIOD_SOURCE and "203" in T_PERIOD_SOURCE
        assert "渐进式延迟法定退休年龄" in T_RETIRE_SOURCE and "2025-01-01" in T_RETIRE_SOURCE


class TestAgeOn:
    def test_sixteen_is_reached_on_the_sixteenth_birthday(self) -> None:
        born = date(2010, 11, 22)
        assert age_on(born, date(2026, 11, 21)) == 15
        assert age_on(born, date(2026, 11, 22)) == 16
        assert age_on(born, date(2026, 11, 23)) == 16

    def test_born_29_february_turns_older_on_1_march_in_common_years(self) -> None:
        born = date(2008, 2, 29)
        assert age_on(born, date(2025, 2, 28)) == 16
        assert age_on(born, date(2025, 3, 1)) == 17

    def test_born_29_february_turns_older_on_29_february_in_leap_years(self) -> None:
        born = date(2008, 2, 29)
        assert age_on(born, date(2028, 2, 28)) == 19
        assert age_on(born, date(2028, 2, 29)) == 20

    def test_age_limit_not_over_n_holds_to_the_day_before_the_next_birthday(self) -> None:
        # "不超过60周岁": still 60 the day before the 61st birthday, 61 on it.
        born = date(1966, 5, 10)
        assert age_on(born, date(2027, 5, 9)) == 60
        assert age_on(born, date(2027, 5, 10)) == 61

    def test_zero_on_the_birth_date(self) -> None:
        assert age_on(date(2026, 3, 1), date(2026, 3, 1)) == 0

    def test_a_day_before_birth_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError) as caught:
            age_on(date(2026, 3, 1), date(2026, 2, 28))
        assert caught.value.rule == "T-AGE"
        assert "早于出生日期" in caught.value.message_zh

    @given(birth=births, years=st.integers(min_value=1, max_value=120))
    def test_age_changes_exactly_on_nth_birthday(self, birth: date, years: int) -> None:
        birthday = nth_birthday(birth, years)
        assert age_on(birth, birthday) == years
        assert age_on(birth, birthday - ONE_DAY) == years - 1


class TestNthBirthday:
    def test_sixteenth_birthday(self) -> None:
        assert nth_birthday(date(2010, 11, 22), 16) == date(2026, 11, 22)

    def test_29_february_moves_to_1_march_in_a_common_year(self) -> None:
        assert nth_birthday(date(2008, 2, 29), 17) == date(2025, 3, 1)

    def test_29_february_stays_in_a_leap_year(self) -> None:
        assert nth_birthday(date(2008, 2, 29), 20) == date(2028, 2, 29)

    def test_zero_years_is_the_birth_date(self) -> None:
        assert nth_birthday(date(2008, 2, 29), 0) == date(2008, 2, 29)

    def test_negative_years_are_rejected(self) -> None:
        with pytest.raises(TimeRuleError, match="negative"):
            nth_birthday(date(2000, 1, 1), -1)

    def test_beyond_year_9999_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError) as caught:
            nth_birthday(date(9990, 1, 1), 10)
        assert caught.value.rule == "T-AGE"


class TestAddMonths:
    def test_leap_day_plus_twelve_months_is_28_february(self) -> None:
        assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)

    def test_31_january_plus_one_month_is_the_last_day_of_february(self) -> None:
        assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
        assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)

    def test_corresponding_day_when_it_exists(self) -> None:
        assert add_months(date(2025, 11, 22), 12) == date(2026, 11, 22)
        assert add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)
        assert add_months(date(2026, 1, 28), 1) == date(2026, 2, 28)

    def test_crosses_the_year(self) -> None:
        assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
        assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)

    def test_zero_months_is_the_start(self) -> None:
        assert add_months(date(2024, 2, 29), 0) == date(2024, 2, 29)

    def test_negative_months_count_backwards(self) -> None:
        assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)
        assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
        assert add_months(date(2026, 1, 31), -13) == date(2024, 12, 31)

    def test_outside_the_representable_dates_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError) as caught:
            add_months(date(9999, 12, 1), 1)
        assert caught.value.rule == "T-PERIOD"
        with pytest.raises(TimeRuleError):
            add_months(date(1, 1, 31), -1)

    @given(start=births, months=st.integers(min_value=0, max_value=1200))
    def test_never_before_the_start_for_forward_periods(self, start: date, months: int) -> None:
        assert add_months(start, months) >= start

    @given(start=births, months=st.integers(min_value=-1200, max_value=1200))
    def test_corresponding_day_or_the_last_day_of_the_month(self, start: date, months: int) -> None:
        end = add_months(start, months)
        assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
        last_day = gregorian.monthrange(end.year, end.month)[1]
        assert end.day == min(start.day, last_day)

    @given(start=births, months=st.integers(min_value=-1200, max_value=1200))
    def test_round_trip_when_the_day_exists_in_every_month(self, start: date, months: int) -> None:
        if start.day <= 28:
            assert add_months(add_months(start, months), -months) == start


class TestPeriodEnd:
    def test_last_day_on_a_holiday_moves_to_the_next_working_day(self) -> None:
        assert period_end(date(2025, 10, 1), 12, CAL) == Due(date(2026, 10, 8), False)

    def test_without_shift_the_last_day_stays_on_the_holiday(self) -> None:
        assert period_end(date(2025, 10, 1), 12, CAL, shift=False) == Due(date(2026, 10, 1), False)

    def test_last_day_on_a_working_day_stays(self) -> None:
        # Day before the holiday / on it / after it.
        assert period_end(date(2025, 9, 30), 12, CAL).due == date(2026, 9, 30)
        assert period_end(date(2025, 10, 1), 12, CAL).due == date(2026, 10, 8)
        assert period_end(date(2025, 10, 8), 12, CAL).due == date(2026, 10, 8)

    def test_makeup_saturday_is_a_working_last_day(self) -> None:
        assert period_end(date(2025, 2, 14), 12, CAL).due == date(2026, 2, 14)
        assert period_end(date(2025, 2, 15), 12, CAL).due == date(2026, 2, 24)

    def test_ordinary_weekend_moves_to_monday(self) -> None:
        assert period_end(date(2025, 3, 7), 12, CAL).due == date(2026, 3, 9)  # Sat 2026-03-07

    def test_long_term_unemployed_example_needs_no_shift(self) -> None:
        # rules.md: registered 2025-11-22 qualifies on 2026-11-22 (T-PERIOD without shift).
        assert period_end(date(2025, 11, 22), 12, CAL, shift=False).due == date(2026, 11, 22)

    def test_last_day_in_an_unseeded_year_is_estimated(self) -> None:
        start = date(LAST_SEEDED_YEAR, 6, 15)
        assert period_end(start, 12, CAL).estimated is True
        assert period_end(start, 12, CAL, shift=False).estimated is False

    def test_replaced_year_removes_the_estimate_and_the_shift(self) -> None:
        national_day = date(FIRST_UNSEEDED_YEAR, 10, 1)
        week = {national_day + timedelta(days=i): "National Day / 国庆节" for i in range(7)}
        replaced = CAL.replace_year(YearArrangement(FIRST_UNSEEDED_YEAR, week, {}, "test notice"))
        result = period_end(date(LAST_SEEDED_YEAR, 10, 1), 12, replaced)
        assert result.estimated is False
        assert result.due == replaced.next_workday(national_day + timedelta(days=6)).due

    def test_backward_period_with_shift_is_rejected(self) -> None:
        with pytest.raises(TimeRuleError) as caught:
            period_end(date(2026, 10, 8), -3, CAL)
        assert caught.value.rule == "T-PERIOD"

    def test_backward_period_without_shift_is_the_plain_day_rule(self) -> None:
        assert period_end(date(2026, 5, 31), -3, CAL, shift=False) == Due(date(2026, 2, 28), False)

    @given(start=period_starts, months=st.integers(min_value=0, max_value=120), shift=st.booleans())
    def test_never_before_the_start(self, start: date, months: int, shift: bool) -> None:
        assert period_end(start, months, CAL, shift=shift).due >= start

    @given(start=period_starts, months=st.integers(min_value=0, max_value=120))
    def test_shifted_end_is_the_first_working_day_on_or_after_the_day_rule(
        self, start: date, months: int
    ) -> None:
        plain = add_months(start, months)
        due = period_end(start, months, CAL).due
        assert CAL.is_workday(due)
        assert plain <= due
        assert CAL.workdays_between(plain - ONE_DAY, due - ONE_DAY) == 0


class TestRetirementAgeBoundaries:
    @pytest.mark.parametrize(
        ("category", "last_undelayed", "first_delayed", "original"),
        [
            (RetirementCategory.MALE, date(1964, 12, 31), date(1965, 1, 1), 60),
            (RetirementCategory.FEMALE_55, date(1969, 12, 31), date(1970, 1, 1), 55),
            (RetirementCategory.FEMALE_50, date(1974, 12, 31), date(1975, 1, 1), 50),
        ],
    )
    def test_delay_starts_in_the_start_month(
        self, category: RetirementCategory, last_undelayed: date, first_delayed: date, original: int
    ) -> None:
        assert retirement_age(last_undelayed, category) == RetirementAge(original, 0)
        assert retirement_age(first_delayed, category) == RetirementAge(original, 1)
        assert retirement_age(first_delayed + ONE_DAY, category) == RetirementAge(original, 1)

    @pytest.mark.parametrize(
        ("category", "last_of_step", "first_of_next"),
        [
            (RetirementCategory.MALE, date(1965, 4, 30), date(1965, 5, 1)),
            (RetirementCategory.FEMALE_55, date(1970, 4, 30), date(1970, 5, 1)),
            (RetirementCategory.FEMALE_50, date(1975, 2, 28), date(1975, 3, 1)),
        ],
    )
    def test_one_more_month_per_step(
        self, category: RetirementCategory, last_of_step: date, first_of_next: date
    ) -> None:
        assert retirement_delay_months(last_of_step, category) == 1
        assert retirement_delay_months(first_of_next, category) == 2

    @pytest.mark.parametrize(
        ("category", "before_cap", "at_cap", "capped_age"),
        [
            (RetirementCategory.MALE, date(1976, 8, 31), date(1976, 9, 1), RetirementAge(63, 0)),
            (RetirementCategory.FEMALE_55, date(1981, 8, 31), date(1981, 9, 1), RetirementAge(58, 0)),
            (RetirementCategory.FEMALE_50, date(1984, 10, 31), date(1984, 11, 1), RetirementAge(55, 0)),
        ],
    )
    def test_cap_is_reached_and_kept(
        self, category: RetirementCategory, before_cap: date, at_cap: date, capped_age: RetirementAge
    ) -> None:
        assert retirement_age(before_cap, category).total_months == capped_age.total_months - 1
        assert retirement_age(at_cap, category) == capped_age
        assert retirement_age(date(2000, 6, 15), category) == capped_age
        assert retirement_age(date(2010, 1, 1), category) == capped_age

    def test_rules_md_examples(self) -> None:
        assert retirement_age(date(1965, 3, 10), RetirementCategory.MALE) == RetirementAge(60, 1)
        assert retirement_age(date(1976, 9, 10), RetirementCategory.MALE) == RetirementAge(63, 0)
        assert retirement_age(date(1984, 11, 10), RetirementCategory.FEMALE_50) == RetirementAge(55, 0)

    def test_category_may_be_given_by_its_value(self) -> None:
        assert retirement_age(date(1965, 3, 10), "female_55") == RetirementAge(55, 0)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            retirement_age(date(1965, 3, 10), "female_60")  # type: ignore[arg-type]

    def test_rule_table_has_one_row_per_category(self) -> None:
        assert set(RETIREMENT_RULES) == set(RetirementCategory)


class TestRetirementDate:
    def test_brief_example_end_of_month(self) -> None:
        # 60y1m after 1965-03-31: April has no 31st, so its last day.
        assert retirement_date(date(1965, 3, 31), RetirementCategory.MALE) == date(2025, 4, 30)

    def test_day_before_on_after_the_start_month(self) -> None:
        assert retirement_date(date(1964, 12, 31), RetirementCategory.MALE) == date(2024, 12, 31)
        assert retirement_date(date(1965, 1, 1), RetirementCategory.MALE) == date(2025, 2, 1)
        assert retirement_date(date(1965, 1, 31), RetirementCategory.MALE) == date(2025, 2, 28)

    def test_leap_day_birth_uses_the_period_day_rule_not_the_birthday_rule(self) -> None:
        # T-PERIOD gives 28 Feb where T-AGE's birthday would be 1 Mar.
        assert retirement_date(date(1968, 2, 29), RetirementCategory.FEMALE_55) == date(2023, 2, 28)
        assert nth_birthday(date(1968, 2, 29), 55) == date(2023, 3, 1)

    def test_no_working_day_shift(self) -> None:
        # Born 1976-10-01, man: 63 years later is 2039-10-01, National Day; the date is not moved.
        assert retirement_date(date(1976, 10, 1), RetirementCategory.MALE) == date(2039, 10, 1)

    @given(birth=births, category=st.sampled_from(list(RetirementCategory)))
    def test_date_is_birth_plus_age_in_months(self, birth: date, category: RetirementCategory) -> None:
        age = retirement_age(birth, category)
        assert retirement_date(birth, category) == add_months(birth, age.total_months)
        assert 0 <= age.months < 12


class TestRetirementAgeLabels:
    def test_labels_in_english_and_chinese(self) -> None:
        assert RetirementAge(60, 1).label == "60 years 1 month"
        assert RetirementAge(62, 11).label == "62 years 11 months"
        assert RetirementAge(63, 0).label == "63 years"
        assert RetirementAge(60, 1).label_zh == "60岁1个月"
        assert RetirementAge(63, 0).label_zh == "63岁"
