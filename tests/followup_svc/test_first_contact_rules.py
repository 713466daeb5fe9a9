"""FU-CONTACT due dates and overdue state as plain functions (T-WORKDAY via the seeded calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from followup_svc.first_contact.rules import (
    RULE_ID,
    due_reason,
    first_contact_due,
    is_overdue,
    registration_date,
)
from shared.calendar import default_calendar
from shared.policy import default_registry

SHAOGUAN = default_registry().for_region("440203")
GANSU = default_registry().for_region("620102")


class TestFirstContactDue:
    def test_five_plain_working_days(self) -> None:
        # Mon 2026-11-16: Tue..Fri are 4 working days, Mon 2026-11-23 the 5th.
        due = first_contact_due(date(2026, 11, 16), SHAOGUAN, default_calendar())
        assert (due.due_on, due.workdays, due.estimated) == (date(2026, 11, 23), 5, False)
        assert "79号" in due.source

    def test_registration_day_is_not_counted_and_weekend_skipped(self) -> None:
        # Fri 2026-11-20: Mon 23 .. Fri 27 are the five working days.
        assert first_contact_due(date(2026, 11, 20), SHAOGUAN, default_calendar()).due_on == date(2026, 11, 27)

    def test_national_day_holiday_and_makeup_saturday(self) -> None:
        # Mon 2026-09-28: 29, 30 Sep, then 1-7 Oct are holidays, 8, 9 Oct and make-up Sat 10 Oct.
        due = first_contact_due(date(2026, 9, 28), SHAOGUAN, default_calendar())
        assert due.due_on == date(2026, 10, 10)

    def test_year_without_calendar_data_is_estimated(self) -> None:
        due = first_contact_due(date(2027, 12, 28), SHAOGUAN, default_calendar())
        assert due.estimated is True
        # 29, 30, 31 Dec, then 4 and 5 January: 元旦 2028 is a Saturday, made up on Monday 3 January
        # (statutory holidays are estimated for years without a published arrangement).
        assert due.due_on == date(2028, 1, 5)

    def test_gansu_uses_the_same_national_figure(self) -> None:
        due = first_contact_due(date(2026, 11, 16), GANSU, default_calendar())
        assert (due.due_on, due.workdays) == (date(2026, 11, 23), 5)


class TestRegistrationDate:
    def test_registered_on_wins(self) -> None:
        applied = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
        assert registration_date(date(2026, 11, 3), applied, "Asia/Shanghai") == date(2026, 11, 3)

    def test_applied_at_is_read_in_shanghai_time(self) -> None:
        # 15:59 UTC is 23:59 in Shanghai, 16:00 UTC is already the next day there.
        assert registration_date(None, datetime(2026, 11, 22, 15, 59, tzinfo=UTC), "Asia/Shanghai") == date(
            2026, 11, 22
        )
        assert registration_date(None, datetime(2026, 11, 22, 16, 0, tzinfo=UTC), "Asia/Shanghai") == date(2026, 11, 23)


class TestOverdue:
    def test_boundaries(self) -> None:
        due_on = date(2026, 11, 23)
        assert is_overdue("open", due_on, date(2026, 11, 22)) is False
        assert is_overdue("open", due_on, due_on) is False
        assert is_overdue("open", due_on, date(2026, 11, 24)) is True

    def test_only_open_tasks_are_overdue(self) -> None:
        assert is_overdue("done", date(2026, 11, 23), date(2026, 12, 1)) is False
        assert is_overdue("cancelled", date(2026, 11, 23), date(2026, 12, 1)) is False


class TestExplanation:
    def test_reason_names_rule_figures_and_source_in_both_languages(self) -> None:
        due = first_contact_due(date(2026, 11, 16), SHAOGUAN, default_calendar())
        reason, reason_zh = due_reason(due)
        for text in (reason, reason_zh):
            assert RULE_ID in text and "5" in text and "2026-11-23" in text and due.source in text
        assert "工作日" in reason_zh

    def test_estimated_is_said(self) -> None:
        due = first_contact_due(date(2027, 12, 28), SHAOGUAN, default_calendar())
        reason, reason_zh = due_reason(due)
        assert "estimated" in reason and "估算" in reason_zh
