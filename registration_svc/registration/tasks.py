"""Worker side of registration: flag online applications not decided by their REG-DEADLINE, and re-count
estimated deadlines when a year's holiday arrangement arrives."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.registration import repository
from registration_svc.registration.models import Registration
from registration_svc.registration.rules import DEADLINE_RULE
from registration_svc.registration.service import application_date
from shared.calendar import WorkdayCalendar
from shared.calendar_store import Redater
from shared.clock import Clock
from shared.deadlines import Deadline, StoredDeadlines, deadline_redater, redate_estimated
from shared.schedule import daily, scheduled
from shared.worker import JobCtx, worker_context

logger = logging.getLogger(__name__)


async def flag_overdue(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> int:
    """Marks pending registrations past their decision_due as overdue and logs each for upward reporting."""
    today = now.astimezone(timezone).date()
    flagged = await repository.flag_overdue(session, today, now)
    for registration_id, region, due in flagged:
        # 002 §七(一): overdue responses are reported upward; the log line feeds that report.
        logger.warning(
            "registration decision overdue (REG-DEADLINE)",
            extra={
                "registration_id": str(registration_id),
                "agency_region_code": region,
                "decision_due": due.isoformat(),
                "checked_on": today.isoformat(),
            },
        )
    return len(flagged)


@scheduled(daily(1, 10))
async def flag_overdue_decisions(ctx: JobCtx) -> int:
    """arq job: flags overdue pending registrations in one transaction; returns how many were flagged."""
    wc = worker_context(ctx)
    async with wc.database.transaction() as session:
        return await flag_overdue(session, wc.clock.now(), wc.clock.zone)


def stored_decision_deadlines(timezone: ZoneInfo) -> StoredDeadlines[Registration]:
    """REG-DEADLINE as stored on pending registrations, counted from the local date of the application."""

    def read(registration: Registration) -> Deadline:
        return Deadline(
            DEADLINE_RULE, application_date(registration.applied_at, timezone), registration.deadline_workdays,
            registration.decision_due, registration.deadline_estimated, registration.deadline_source,
        )

    def move(registration: Registration, deadline: Deadline, today: date) -> None:
        registration.decision_due, registration.deadline_estimated = deadline.due_on, deadline.estimated
        registration.updated_at = datetime.now(UTC)
        if registration.overdue and deadline.due_on >= today:
            registration.overdue, registration.overdue_flagged_at = False, None

    return StoredDeadlines(DEADLINE_RULE, repository.pending_with_estimated_deadline, read, move)


async def redate_estimated_decisions(
    session: AsyncSession, calendar: WorkdayCalendar, timezone: ZoneInfo, now: datetime
) -> int:
    """Re-counts REG-DEADLINE for pending registrations whose decision_due was estimated (a year the
    calendar did not know yet, T-WORKDAY); returns how many moved. A registration flagged overdue whose
    new due date has not passed is no longer overdue."""
    today = now.astimezone(timezone).date()
    return await redate_estimated(session, calendar, today, stored_decision_deadlines(timezone))


def decision_redater(clock: Clock) -> Redater:
    """Returns what the calendar.year_replaced handler runs on the new calendar (shared.calendar_store)."""
    return deadline_redater(clock, stored_decision_deadlines(clock.zone))
