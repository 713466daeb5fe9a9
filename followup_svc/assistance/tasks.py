"""Worker side of assistance: the handlers of the certification events and the daily overdue report (FU-TIER)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance import repository, service
from followup_svc.assistance.rules import RULE_ID
from followup_svc.revisit.tasks import redate_estimated_revisits
from shared.calendar import WorkdayCalendar
from shared.calendar_store import Redater
from shared.db import Database
from shared.events import (
    DifficultyApplicationSubmitted,
    DifficultyCertified,
    DifficultyDecided,
    DifficultyEnded,
    EventEnvelope,
    EventType,
)
from shared.outbox import EventHandler
from shared.policy import PolicyRegistry
from shared.timerules import period_end

logger = logging.getLogger(__name__)


def difficulty_handlers(
    policy: PolicyRegistry, calendar: Callable[[], WorkdayCalendar]
) -> Mapping[str, EventHandler]:
    """Returns the handlers of the difficulty.* events: Tier I on application, II or III on certification,
    the end of Tier I on rejection and of every tier when the certification ends."""

    async def on_submitted(session: AsyncSession, envelope: EventEnvelope) -> None:
        await service.start_tier1(session, DifficultyApplicationSubmitted.model_validate(envelope.payload))

    async def on_decided(session: AsyncSession, envelope: EventEnvelope) -> None:
        await service.decided(session, DifficultyDecided.model_validate(envelope.payload))

    async def on_certified(session: AsyncSession, envelope: EventEnvelope) -> None:
        await service.certify(session, DifficultyCertified.model_validate(envelope.payload), policy, calendar())

    async def on_ended(session: AsyncSession, envelope: EventEnvelope) -> None:
        await service.end(session, DifficultyEnded.model_validate(envelope.payload), policy, calendar())

    return {
        EventType.DIFFICULTY_APPLICATION_SUBMITTED: on_submitted,
        EventType.DIFFICULTY_DECIDED: on_decided,
        EventType.DIFFICULTY_CERTIFIED: on_certified,
        EventType.DIFFICULTY_ENDED: on_ended,
    }


async def flag_overdue_assistance(
    database: Database, today: date, policy: PolicyRegistry, page_size: int = service.OVERDUE_PAGE
) -> dict[str, int]:
    """Logs every overdue requirement of running assistance for upward reporting, page by page (one
    transaction each; a page done stays done if a later one fails, and a rerun flags nothing twice); returns
    the count of overdue requirements of each region and of every region above it (town, county, city,
    province)."""
    counts: Counter[str] = Counter()
    after = None
    while True:
        async with database.transaction() as session:
            overdue, after = await service.flag_overdue(session, today, policy, after, page_size)
        for item in overdue:
            logger.warning(
                "assistance requirement overdue",
                extra={
                    "rule": RULE_ID, "person_id": str(item.person_id), "agency_region_code": item.agency_region_code,
                    "tier": item.tier, "kind": item.kind, "required": item.required, "delivered": item.delivered,
                    "due_on": item.due_on.isoformat(), "first_flagged_on": item.first_flagged_on.isoformat(),
                },
            )
        counts.update(item.agency_region_code for item in overdue)
        if after is None:
            break
    by_region = service.rolled_up(dict(counts))
    logger.info(
        "overdue assistance requirements flagged",
        extra={"rule": RULE_ID, "on": today.isoformat(), "total": sum(counts.values()), "by_region": by_region},
    )
    return by_region


async def redate_estimated_assistance(session: AsyncSession, calendar: WorkdayCalendar) -> int:
    """Re-counts Tier II and Tier III due dates that were estimated; returns how many moved."""
    moved = 0
    for row in await repository.with_estimated_dues(session):
        if row.tier2_due_estimated and row.tier2_started_on is not None and row.tier2_due_months is not None:
            due = period_end(row.tier2_started_on, row.tier2_due_months, calendar)
            if (due.due, due.estimated) != (row.tier2_due_on, row.tier2_due_estimated):
                row.tier2_due_on, row.tier2_due_estimated = due.due, due.estimated
                moved += 1
        if row.tier3_plan_due_estimated and row.tier3_started_on is not None and row.tier3_plan_workdays is not None:
            plan = calendar.add_workdays(row.tier3_started_on, row.tier3_plan_workdays)
            if (plan.due, plan.estimated) != (row.tier3_plan_due_on, row.tier3_plan_due_estimated):
                row.tier3_plan_due_on, row.tier3_plan_due_estimated = plan.due, plan.estimated
                moved += 1
    await session.flush()
    if moved:
        logger.info("assistance due dates re-counted", extra={"rule": RULE_ID, "moved": moved})
    return moved


def with_assisted_dues(redate: Redater) -> Redater:
    """Returns a calendar.year_replaced redater that runs `redate` and then re-counts the estimated due dates
    of assistance (FU-TIER) and revisits (FU-REVISIT) on the new calendar, in the same transaction."""

    async def run(session: AsyncSession, calendar: WorkdayCalendar) -> int:
        moved = await redate(session, calendar)
        moved += await redate_estimated_assistance(session, calendar)
        return moved + await redate_estimated_revisits(session, calendar)

    return run
