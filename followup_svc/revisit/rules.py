"""FU-REVISIT: when an assisted person who found work, and their employer, are revisited; what a revisit finds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from shared.calendar import WorkdayCalendar
from shared.policy import ParameterValue
from shared.timerules import period_end

RULE_ID: Final = "FU-REVISIT"


@dataclass(frozen=True, slots=True)
class RevisitDue:
    """One revisit owed: its number, how many months after starting work, by when, and whether estimated."""

    sequence: int
    months_after_start: int
    due_on: date
    estimated: bool


def revisit_months(first: int, interval: int, until: int) -> list[int]:
    """Returns the months after starting work by which each revisit is due: the first, then every interval,
    none later than `until` (1, 3, 12 give 1, 4, 7, 10)."""
    months, current = [], first
    while current <= until:
        months.append(current)
        current += interval
    return months


def revisit_source(clause: str, first: ParameterValue, interval: ParameterValue, until: ParameterValue) -> str:
    """Returns what a revisit owed cites: the region's revisit clause (PolicyPack.citation("revisit")), then
    the schedule with the source of its parameters."""
    return (
        f"{clause}；就业后{first.value}个月内首次回访，此后每{interval.value}个月回访一次，"
        f"至就业后{until.value}个月（{first.source}）"
    )


def revisit_schedule(
    started_work_on: date, first: int, interval: int, until: int, calendar: WorkdayCalendar
) -> list[RevisitDue]:
    """Returns the revisits owed after starting work, each due at the end of its month period (T-PERIOD:
    the corresponding day, moved to the next working day)."""
    schedule = []
    for sequence, months in enumerate(revisit_months(first, interval, until), start=1):
        due = period_end(started_work_on, months, calendar)
        schedule.append(RevisitDue(sequence, months, due.due, due.estimated))
    return schedule


@dataclass(frozen=True, slots=True)
class EmploymentFindings:
    """What an employer revisit found (工作时间、劳动强度、签订合同、参加社会保险、工资发放)."""

    hours_per_week: int | None
    workload: str | None
    contract_signed: bool | None
    social_insurance: bool | None
    wages_paid_on_time: bool | None


# Above the statutory 44-hour week (劳动法 第三十六条) a revisit flags the hours.
STATUTORY_WEEKLY_HOURS: Final = 44


def problems_found(employed: bool, findings: EmploymentFindings | None, issues: str) -> list[str]:
    """Returns the problems a revisit found, each a short code, for the follow-up action on the person."""
    problems = []
    if not employed:
        problems.append("not_employed")
    if findings is not None:
        if findings.contract_signed is False:
            problems.append("no_contract")
        if findings.social_insurance is False:
            problems.append("no_social_insurance")
        if findings.wages_paid_on_time is False:
            problems.append("wages_late")
        if findings.hours_per_week is not None and findings.hours_per_week > STATUTORY_WEEKLY_HOURS:
            problems.append("long_hours")
        if findings.workload == "heavy":
            problems.append("heavy_workload")
    if issues.strip():
        problems.append("issues_reported")
    return problems
