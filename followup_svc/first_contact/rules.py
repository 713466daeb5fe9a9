"""FU-CONTACT: when the first contact after a registration is due, with its explanation (plain functions)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.calendar import WorkdayCalendar
from shared.deadlines import Deadline, count_deadline
from shared.policy import PolicyPack

RULE_ID = "FU-CONTACT"
PARAMETER = "first_contact_workdays"


def registration_date(registered_on: date | None, applied_at: datetime, timezone: str) -> date:
    """Returns the day the registration counts from: registered_on, else the local date of applied_at."""
    if registered_on is not None:
        return registered_on
    return applied_at.astimezone(ZoneInfo(timezone)).date()


def first_contact_due(registered_on: date, pack: PolicyPack, calendar: WorkdayCalendar) -> Deadline:
    """Returns the first_contact_workdays-th working day after the registration date (FU-CONTACT)."""
    parameter = pack.param(PARAMETER, registered_on)
    workdays = parameter.value
    if not isinstance(workdays, int):
        raise TypeError(f"{pack.id}: {PARAMETER} must be an integer, got {workdays!r}")
    return count_deadline(RULE_ID, registered_on, workdays, parameter.source, calendar)


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """Tells whether an open task is past its due date (due_on itself is still on time)."""
    return status == "open" and today > due_on


def due_reason(due: Deadline) -> tuple[str, str]:
    """Returns the English and Chinese explanation of a due date, naming the figures compared."""
    flag = " (estimated: the calendar has no data for part of the period)" if due.estimated else ""
    flag_zh = "（估算：期间部分年份尚无放假安排数据）" if due.estimated else ""
    return (
        f"{RULE_ID}: first contact within {due.workdays} working days of registration on "
        f"{due.start.isoformat()}, so by {due.due_on.isoformat()}{flag}; source {due.source}.",
        f"{RULE_ID}：登记日 {due.start.isoformat()} 后 {due.workdays} 个工作日内首次联系，"
        f"即不晚于 {due.due_on.isoformat()}{flag_zh}；依据 {due.source}。",
    )
