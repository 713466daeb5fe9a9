"""Worker side of first contacts: handlers of registration events and the daily overdue job."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.first_contact import repository, service
from followup_svc.first_contact.models import FirstContactTask
from followup_svc.first_contact.rules import RULE_ID
from shared.calendar import WorkdayCalendar
from shared.calendar_store import Redater
from shared.clock import Clock
from shared.db import Database
from shared.deadlines import Deadline, StoredDeadlines, deadline_redater, redate_estimated
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


async def flag_overdue_first_contacts(database: Database, calendar: WorkdayCalendar, today: date) -> dict[str, int]:
    """Logs every open first contact past its due date for upward reporting; returns counts per region."""
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


def _move(task: FirstContactTask, due: Deadline, today: date) -> None:
    task.due_on, task.due_estimated = due.due_on, due.estimated
    if task.overdue_flagged_on is not None and due.due_on >= today:
        task.overdue_flagged_on = None


# FU-CONTACT as stored on open tasks.
STORED_FIRST_CONTACT_DUES = StoredDeadlines[FirstContactTask](
    RULE_ID, repository.open_with_estimated_due, service.stored_due, _move
)


async def redate_estimated_first_contacts(session: AsyncSession, calendar: WorkdayCalendar, today: date) -> int:
    """Re-counts FU-CONTACT due dates that were estimated (T-WORKDAY over a year the calendar did not know
    yet); returns how many moved. A task reported overdue whose new due date has not passed is no longer."""
    return await redate_estimated(session, calendar, today, STORED_FIRST_CONTACT_DUES)


def first_contact_redater(clock: Clock) -> Redater:
    """Returns what the calendar.year_replaced handler runs on the new calendar (shared.calendar_store)."""
    return deadline_redater(clock, STORED_FIRST_CONTACT_DUES)
