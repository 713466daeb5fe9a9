"""T-WORKDAY estimates: a year without a published arrangement keeps the statutory holidays of the 2025
revision of 《全国年节及纪念日放假办法》, with lunar dates from lunar-python (shipped as a CSV)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from scripts.update_lunar_dates import rows
from shared.calendar import DayKind, WorkdayCalendar, YearArrangement, chinesecalendar_years, default_calendar
from shared.statutory_holidays import covered_years, statutory_holidays

CSV = Path(__file__).parents[2] / "shared" / "data" / "lunar_dates.csv"


def official(year: int) -> set[date]:
    """Returns the days off of a published year (from the chinesecalendar package)."""
    return {day for day in chinese_calendar.holidays if day.year == year}


class TestTheMeasures:
    def test_2027(self) -> None:
        days = statutory_holidays(2027)
        expected_statutory = {
            date(2027, 1, 1),  # 元旦
            date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),  # 除夕, 初一..初三
            date(2027, 4, 5),  # 清明
            date(2027, 5, 1), date(2027, 5, 2),  # 劳动节
            date(2027, 6, 9),  # 端午
            date(2027, 9, 15),  # 中秋
            date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3),  # 国庆节
        }
        assert expected_statutory <= set(days)
        # 补假 for the days on a weekend: 6-7 Feb -> 9-10 Feb; 1-2 May (Sat, Sun) -> 3-4 May;
        # 2-3 Oct (Sat, Sun) -> 4-5 Oct.
        made_up = {day for day, name in days.items() if "补假" in name}
        assert made_up == {
            date(2027, 2, 9), date(2027, 2, 10), date(2027, 5, 3), date(2027, 5, 4),
            date(2027, 10, 4), date(2027, 10, 5),
        }
        assert all("估算" in name for name in days.values())

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_every_estimated_day_off_was_a_day_off_in_the_published_years(self, year: int) -> None:
        # The published 2025 and 2026 arrangements (same measures) include every statutory day and every
        # 补假 the estimate gives: an estimate errs only in the 调休 it cannot know.
        assert set(statutory_holidays(year)) <= official(year)

    def test_years_before_the_revision_are_not_estimated_by_it(self) -> None:
        assert statutory_holidays(2024) == {} and statutory_holidays(1990) == {}


class TestTheCalendar:
    def test_an_unpublished_year_has_its_holidays_estimated(self) -> None:
        calendar = WorkdayCalendar({y: a for y, a in chinesecalendar_years().items() if y <= 2026})
        for day in (date(2027, 1, 1), date(2027, 10, 1), date(2027, 10, 4)):
            info = calendar.day(day)
            assert (info.kind, info.workday, info.estimated) == (DayKind.HOLIDAY, False, True), day
        assert calendar.add_workdays(date(2027, 9, 30), 1).due == date(2027, 10, 6)

    def test_a_published_year_replaces_the_estimate(self) -> None:
        calendar = WorkdayCalendar({y: a for y, a in chinesecalendar_years().items() if y <= 2026})
        published = YearArrangement(
            2027, {date(2027, 10, d): "国庆节" for d in range(1, 8)}, {date(2027, 9, 26): "国庆节"}, "test notice"
        )
        replaced = calendar.replace_year(published)
        assert replaced.day(date(2027, 1, 1)).kind is DayKind.WORKDAY  # as the (test) notice says
        assert replaced.day(date(2027, 10, 7)).kind is DayKind.HOLIDAY and not replaced.day(date(2027, 10, 7)).estimated
        assert replaced.day(date(2027, 9, 26)).kind is DayKind.MAKEUP_WORKDAY

    def test_the_default_calendar_estimates_every_year_after_the_published_ones(self) -> None:
        calendar = default_calendar()
        for year in range(max(calendar.known_years) + 1, 2151):
            assert calendar.day(date(year, 10, 1)).kind is DayKind.HOLIDAY, year


class TestLunarDates:
    def test_the_shipped_file_is_what_lunar_python_computes(self) -> None:
        with CSV.open(encoding="utf-8", newline="") as handle:
            assert list(csv.reader(handle)) == rows()
        assert covered_years() == range(2025, 2151)
