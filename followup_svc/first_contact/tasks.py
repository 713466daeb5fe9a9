"""Worker side of first contacts: handlers of registration events and the daily overdue job."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.first_contact import service
from followup_svc.first_contact.rules import RULE_ID
from shared.calendar import WorkdayCalendar
from shared.db import Database
from shared.events import EventEnvelope, EventType, RegistrationCreated, RegistrationDeregistered
from shared.outbox import EventHandler
from shared.policy import PolicyRegistry

logger = logging.getLogger(__name__)


def registration_handlers(
    policy: PolicyRegistry, calendar: Callable[[], WorkdayCalendar], timezone: str
) -> Mapping[str, EventHandler]:
    """Returns the handlers of registration.created and registration.deregistered (FU-CONTACT)."""

    async def on_created(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = RegistrationCreated.model_validate(envelope.payload)
        await service.create_for_registration(session, event, policy, calendar(), timezone)

    async def on_deregistered(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = RegistrationDeregistered.model_validate(envelope.payload)
        await service.cancel_for_deregistration(session, event)

    return {
        EventType.REGISTRATION_CREATED: on_created,
        EventType.REGISTRATION_DEREGISTERED: on_deregistered,
    }


async def flag_overdue_first_contacts(
    database: Database, calendar: WorkdayCalendar, timezone: str, today: date | None = None
) -> dict[str, int]:
    """Logs every open first contact past its due date for upward reporting; returns counts per region."""
    today = today or datetime.now(ZoneInfo(timezone)).date()
    async with database.transaction() as session:
        overdue = await service.flag_overdue(session, today, calendar)
    for item in overdue:
        logger.warning(
            "first contact overdue",
            extra={
                "rule": RULE_ID, "task_id": str(item.task_id), "registration_id": str(item.registration_id),
                "agency_region_code": item.agency_region_code, "due_on": item.due_on.isoformat(),
                "workdays_overdue": item.workdays_overdue,
                "first_flagged_on": item.first_flagged_on.isoformat(),
            },
        )
    by_region = Counter(item.agency_region_code for item in overdue)
    logger.info(
        "overdue first contacts flagged",
        extra={"rule": RULE_ID, "on": today.isoformat(), "total": len(overdue), "by_region": dict(by_region)},
    )
    return dict(sorted(by_region.items()))
