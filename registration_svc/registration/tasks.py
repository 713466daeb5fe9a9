"""Periodic job of registration: flag online applications not decided by their REG-DEADLINE."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.registration import repository
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
        return await flag_overdue(session, datetime.now(UTC), ZoneInfo(wc.settings.timezone))
