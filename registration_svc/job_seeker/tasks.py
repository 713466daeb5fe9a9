"""Worker side of job-seeker registration: flag registrations not reviewed by their JOB-REVIEW due date."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_seeker import repository
from registration_svc.job_seeker.models import JobSeeker
from registration_svc.job_seeker.rules import REVIEW_RULE
from registration_svc.job_seeker.service import stored_deadline
from shared.deadlines import Deadline, StoredDeadlines
from shared.schedule import daily, scheduled
from shared.worker import JobCtx, worker_context

logger = logging.getLogger(__name__)


async def flag_overdue(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> int:
    """Marks registrations still waiting for review after their due date as overdue; logs each for the
    upward report (as REG-DEADLINE's overdue decisions are)."""
    today = now.astimezone(timezone).date()
    flagged = await repository.flag_overdue(session, today, now)
    for job_seeker_id, region, due in flagged:
        logger.warning(
            "job-seeker review overdue (JOB-REVIEW)",
            extra={"job_seeker_id": str(job_seeker_id), "agency_region_code": region,
                   "review_due": due.isoformat(), "checked_on": today.isoformat()},
        )
    return len(flagged)


@scheduled(daily(1, 15))
async def flag_overdue_job_seeker_reviews(ctx: JobCtx) -> int:
    """arq job: flags overdue job-seeker reviews in one transaction; returns how many were flagged."""
    wc = worker_context(ctx)
    async with wc.database.transaction() as session:
        return await flag_overdue(session, wc.clock.now(), wc.clock.zone)


def stored_review_deadlines() -> StoredDeadlines[JobSeeker]:
    """JOB-REVIEW as stored on job-seeker registrations waiting for review, for re-counting when a year's
    holiday arrangement arrives (shared.deadlines); one flagged overdue whose new due date has not passed is
    no longer overdue."""

    def move(job_seeker: JobSeeker, deadline: Deadline, today: date) -> None:
        job_seeker.review_due, job_seeker.review_estimated = deadline.due_on, deadline.estimated
        if job_seeker.overdue and deadline.due_on >= today:
            job_seeker.overdue, job_seeker.overdue_flagged_at = False, None

    return StoredDeadlines(REVIEW_RULE, repository.pending_with_estimated_deadline, stored_deadline, move)
