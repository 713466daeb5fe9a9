"""Worker side of revisits: re-counting estimated due dates when a year's holiday arrangement arrives."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.revisit import repository
from followup_svc.revisit.rules import RULE_ID
from shared.calendar import WorkdayCalendar
from shared.timerules import period_end

logger = logging.getLogger(__name__)


async def redate_estimated_revisits(session: AsyncSession, calendar: WorkdayCalendar) -> int:
    """Re-counts the due dates of revisits still owed that were estimated (T-PERIOD moved off a rest day in a
    year without a published arrangement); returns how many moved."""
    moved = 0
    for slot in await repository.open_with_estimated_due(session):
        due = period_end(slot.started_work_on, slot.months_after_start, calendar)
        if (due.due, due.estimated) != (slot.due_on, slot.due_estimated):
            logger.info("revisit due date re-counted", extra={
                "rule": RULE_ID, "slot_id": str(slot.id), "was": slot.due_on.isoformat(), "now": due.due.isoformat(),
            })
            slot.due_on, slot.due_estimated = due.due, due.estimated
            moved += 1
    await session.flush()
    return moved
