"""JOB-REVIEW: the review deadline of job-seeker registrations and vacancies, and whether a review is late."""

from __future__ import annotations

from datetime import date
from typing import Final

from shared.calendar import WorkdayCalendar
from shared.deadlines import Deadline, count_deadline
from shared.explain import RuleResult
from shared.wording import date_zh

REVIEW_RULE: Final = "JOB-REVIEW"


def review_deadline(applied_on: date, workdays: int, source: str, calendar: WorkdayCalendar) -> Deadline:
    """Returns JOB-REVIEW's due date: `workdays` working days after the registration date (T-WORKDAY)."""
    return count_deadline(REVIEW_RULE, applied_on, workdays, source, calendar)


def review_timeliness(deadline: Deadline, reviewed_on: date) -> RuleResult:
    """Checks JOB-REVIEW for a review made on `reviewed_on`: met when on or before the due date."""
    estimated = " (estimated: the calendar has no data for a year involved)" if deadline.estimated else ""
    estimated_zh = "（估算：所涉年份暂无节假日安排数据）" if deadline.estimated else ""
    if reviewed_on <= deadline.due_on:
        return RuleResult(
            REVIEW_RULE, True,
            f"reviewed on {reviewed_on}, within {deadline.workdays} working day(s) after {deadline.start}: "
            f"due {deadline.due_on}{estimated}",
            f"于{date_zh(reviewed_on)}审核，在{date_zh(deadline.start)}后{deadline.workdays}个工作日内"
            f"（截止{date_zh(deadline.due_on)}）"
            f"{estimated_zh}",
            deadline.source,
        )
    return RuleResult(
        REVIEW_RULE, False,
        f"reviewed on {reviewed_on}, after the due date {deadline.due_on} ({deadline.workdays} working day(s) "
        f"after {deadline.start}){estimated}: recorded late",
        f"于{date_zh(reviewed_on)}审核，晚于截止日期{date_zh(deadline.due_on)}"
        f"（{date_zh(deadline.start)}后{deadline.workdays}个工作日）"
        f"{estimated_zh}，按超期记录",
        deadline.source,
    )


def is_overdue(review_due: date, today: date) -> bool:
    """Tells whether a registration still waiting for review on `today` is past its JOB-REVIEW due date
    (flagged from the day after the due date)."""
    return today > review_due
