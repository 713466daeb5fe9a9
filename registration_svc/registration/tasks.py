"""Worker side of registration: flag online applications not decided by their REG-DEADLINE, and re-count
estimated deadlines when a year's holiday arrangement arrives."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.registration import repository
from registration_svc.registration.service import application_date
from shared.calendar import WorkdayCalendar
from shared.calendar_store import Redater
from shared.clock import Clock
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


async def flag_overdue_decisions(ctx: JobCtx) -> int:
    """arq job: flags overdue pending registrations in one transaction; returns how many were flagged."""
    wc = worker_context(ctx)
    async with wc.database.transaction() as session:
        return await flag_overdue(session, wc.clock.now(), wc.clock.zone)


async def redate_estimated_decisions(
    session: AsyncSession, calendar: WorkdayCalendar, timezone: ZoneInfo, now: datetime
) -> int:
    """Re-counts REG-DEADLINE for pending registrations whose decision_due was estimated (a year the
    calendar did not know yet, T-WORKDAY); returns how many moved. A registration flagged overdue whose
    new due date has not passed is no longer overdue."""
    today = now.astimezone(timezone).date()
    changed = 0
    for registration in await repository.pending_with_estimated_deadline(session):
        due = calendar.add_workdays(
            application_date(registration.applied_at, timezone), registration.deadline_workdays
        )
        if (due.due, due.estimated) == (registration.decision_due, registration.deadline_estimated):
            continue
        logger.info(
            "registration decision_due re-counted (REG-DEADLINE)",
            extra={"registration_id": str(registration.id), "was": registration.decision_due.isoformat(),
                   "now": due.due.isoformat(), "estimated": due.estimated},
        )
        registration.decision_due, registration.deadline_estimated = due.due, due.estimated
        registration.updated_at = now
        if registration.overdue and due.due >= today:
            registration.overdue, registration.overdue_flagged_at = False, None
        changed += 1
    await session.flush()
    return changed


def decision_redater(clock: Clock) -> Redater:
    """Returns what the calendar.year_replaced handler runs on the new calendar (shared.calendar_store)."""

    async def redate(session: AsyncSession, calendar: WorkdayCalendar) -> int:
        return await redate_estimated_decisions(session, calendar, clock.zone, clock.now())

    return redate
