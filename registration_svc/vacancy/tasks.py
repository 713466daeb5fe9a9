"""Worker side of vacancies: close expired ones and flag reviews overdue, daily."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_seeker.rules import REVIEW_RULE
from registration_svc.vacancy import repository
from registration_svc.vacancy.models import Vacancy
from registration_svc.vacancy.service import stored_deadline
from shared.deadlines import Deadline, StoredDeadlines
from shared.schedule import daily, scheduled
from shared.worker import JobCtx, worker_context

logger = logging.getLogger(__name__)


async def close_expired(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> int:
    """Closes (reason expired) the open vacancies whose valid_until has passed; returns how many."""
    today = now.astimezone(timezone).date()
    closed = await repository.close_expired(session, today, now)
    if closed:
        logger.info("expired vacancies closed", extra={"count": len(closed), "on": today.isoformat()})
    return len(closed)


async def flag_overdue(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> int:
    """Marks vacancies still waiting for review after their JOB-REVIEW due date; logs each for the upward
    report."""
    today = now.astimezone(timezone).date()
    flagged = await repository.flag_overdue(session, today, now)
    for vacancy_id in flagged:
        logger.warning("vacancy review overdue (JOB-REVIEW)",
                       extra={"vacancy_id": str(vacancy_id), "checked_on": today.isoformat()})
    return len(flagged)


@scheduled(daily(0, 20))
async def close_expired_vacancies(ctx: JobCtx) -> int:
    """arq job: closes expired vacancies in one transaction; returns how many were closed."""
    wc = worker_context(ctx)
    async with wc.database.transaction() as session:
        return await close_expired(session, wc.clock.now(), wc.clock.zone)


@scheduled(daily(1, 20))
async def flag_overdue_vacancy_reviews(ctx: JobCtx) -> int:
    """arq job: flags overdue vacancy reviews in one transaction; returns how many were flagged."""
    wc = worker_context(ctx)
    async with wc.database.transaction() as session:
        return await flag_overdue(session, wc.clock.now(), wc.clock.zone)


def stored_review_deadlines() -> StoredDeadlines[Vacancy]:
    """JOB-REVIEW as stored on vacancies waiting for review, for re-counting when a year's holiday
    arrangement arrives; one flagged overdue whose new due date has not passed is no longer overdue."""

    def move(vacancy: Vacancy, deadline: Deadline, today: date) -> None:
        vacancy.review_due, vacancy.review_estimated = deadline.due_on, deadline.estimated
        if vacancy.overdue and deadline.due_on >= today:
            vacancy.overdue, vacancy.overdue_flagged_at = False, None

    return StoredDeadlines(REVIEW_RULE, repository.pending_with_estimated_deadline, stored_deadline, move)
