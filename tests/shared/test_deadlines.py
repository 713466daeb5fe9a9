"""The one deadline value: counted in working days, re-counted when a year's arrangement becomes known."""

from __future__ import annotations

from datetime import date

from shared.calendar import YearArrangement, default_calendar
from shared.deadlines import count_deadline
from tests.support import PLAN

CAL = default_calendar()


class TestDeadline:
    def test_counts_working_days_after_the_start(self) -> None:
        # Fri 2026-11-20: Mon 23 and Tue 24 are the two working days.
        deadline = count_deadline("REG-DEADLINE", date(2026, 11, 20), 2, f"{PLAN}一(四)2", CAL)
        assert (deadline.due_on, deadline.estimated, deadline.rule, deadline.source) == (
            date(2026, 11, 24), False, "REG-DEADLINE", f"{PLAN}一(四)2"
        )

    def test_zero_days_is_the_start(self) -> None:
        assert count_deadline("X", date(2026, 11, 21), 0, "s", CAL).due_on == date(2026, 11, 21)

    def test_an_estimate_moves_when_the_year_becomes_known(self) -> None:
        year = max(CAL.known_years) + 1
        start = date(year, 1, 2)
        estimated = count_deadline("FU-CONTACT", start, 3, "s", CAL)
        assert estimated.estimated
        # The year's arrangement makes the three following weekdays holidays: three more working days.
        holidays = {d: "test holiday" for d in (date(year, 1, 5), date(year, 1, 6), date(year, 1, 7))}
        known = CAL.replace_year(YearArrangement(year, holidays, {}, "test notice"))
        recounted = estimated.recounted(known)
        assert not recounted.estimated and recounted.due_on > estimated.due_on
        assert (recounted.rule, recounted.start, recounted.workdays) == ("FU-CONTACT", start, 3)
