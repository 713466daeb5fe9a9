"""DIFF-* rules as plain functions, at their boundaries (no database)."""

from __future__ import annotations

from datetime import date

from eligibility_svc.certification.models import ExitReason
from eligibility_svc.certification.rules import (
    RegistrationFact,
    exit_for_deregistration,
    merge_registration_facts,
    notice_window,
    objection_in_window,
    parse_quarter,
    preliminary_due,
    rereview_in_time,
    rereview_window,
)
from eligibility_svc.difficulty.rules import CategoryFacts, DeclaredStatus
from shared.calendar import default_calendar
from shared.policy import default_registry

PACK = default_registry().for_region("440203")
CALENDAR = default_calendar()


class TestDeadlines:
    def test_preliminary_due_skips_the_national_day_holiday(self) -> None:
        due = preliminary_due(date(2026, 9, 30), PACK, CALENDAR)
        # 10-01..07 are holidays and Sat 10-10 a make-up workday: 10-08, 10-09, 10-10, 10-12, 10-13.
        assert due.rule == "DIFF-PRELIMINARY" and due.workdays == 5 and due.estimated is False
        assert due.due_on == date(2026, 10, 13)

    def test_notice_counts_the_first_working_day_after_the_review(self) -> None:
        window = notice_window(date(2026, 11, 27), PACK, CALENDAR)  # a Friday
        assert (window.start, window.end, window.workdays) == (date(2026, 11, 30), date(2026, 12, 4), 5)

    def test_rereview_window_moves_off_a_rest_day(self) -> None:
        assert rereview_window(date(2026, 10, 30), PACK, CALENDAR).by == date(2026, 11, 30)  # Sun 11-29 moves
        assert rereview_window(date(2026, 11, 10), PACK, CALENDAR).by == date(2026, 12, 10)

    def test_objection_and_rereview_boundaries(self) -> None:
        start, end = date(2026, 11, 25), date(2026, 12, 1)
        assert [objection_in_window(d, start, end, "s").met for d in
                (date(2026, 11, 24), start, end, date(2026, 12, 2))] == [False, True, True, False]
        assert rereview_in_time(date(2026, 11, 30), date(2026, 11, 30), "s").met
        late = rereview_in_time(date(2026, 12, 1), date(2026, 11, 30), "s")
        assert late.rule == "DIFF-REREVIEW-WINDOW" and late.met is False


class TestRegistrationFacts:
    def test_registered_facts_win_and_say_so(self) -> None:
        declared = CategoryFacts(latest_registration_date=date(2026, 1, 1))
        merged = merge_registration_facts(declared, DeclaredStatus(True, True, True), [
            RegistrationFact("a", "deregistered", date(2024, 3, 1), "hired", date(2024, 9, 1)),
            RegistrationFact("b", "registered", date(2025, 5, 6), None, None),
        ])
        assert merged.facts.latest_registration_date == date(2025, 5, 6)
        assert merged.facts.employed_since_latest_registration is False
        assert {u.fact: u.used for u in merged.used}["latest_registration_date"] == "registration"

    def test_deregistered_for_work_means_employed(self) -> None:
        merged = merge_registration_facts(CategoryFacts(), DeclaredStatus(True, True, True), [
            RegistrationFact("a", "deregistered", date(2025, 3, 1), "self_employed", date(2025, 9, 1)),
        ])
        assert merged.facts.employed_since_latest_registration is True and merged.status.unemployed is False

    def test_no_registration_keeps_the_declared_value(self) -> None:
        declared = CategoryFacts(latest_registration_date=date(2025, 1, 1))
        merged = merge_registration_facts(declared, DeclaredStatus(True, True, True), [])
        assert merged.facts == declared and merged.used[0].used == "declared"


class TestExitAndQuarters:
    def test_automatic_exit_reasons(self) -> None:
        assert exit_for_deregistration("hired") is ExitReason.EMPLOYED
        assert exit_for_deregistration("pension") is ExitReason.RETIREMENT
        assert exit_for_deregistration("deceased") is ExitReason.DECEASED
        assert exit_for_deregistration("imprisoned") is ExitReason.SENTENCED
        assert exit_for_deregistration("moved_abroad") is None

    def test_quarters(self) -> None:
        q = parse_quarter("2027-Q1")
        assert q is not None and (q.first_day, q.report_due) == (date(2027, 1, 1), date(2027, 1, 31))
        q4 = parse_quarter("2026-Q4")
        assert q4 is not None and (q4.first_day, q4.report_due) == (date(2026, 10, 1), date(2026, 10, 31))
        assert parse_quarter("2026-Q5") is None and parse_quarter("2026Q1") is None
