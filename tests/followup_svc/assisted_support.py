"""Builders for the tests of classified services, tiers, revisits and lists: known persons and difficulty events."""

from __future__ import annotations

import uuid
from datetime import date

from followup_svc.assistance.tasks import difficulty_handlers
from followup_svc.models import FirstContactTask, platform
from shared.calendar import default_calendar
from shared.db import Database
from shared.events import (
    DifficultyApplicationSubmitted,
    DifficultyCertified,
    DifficultyDecided,
    DifficultyEnded,
    EventType,
)
from shared.outbox import consume_event
from shared.policy import default_registry
from tests.followup_svc.helpers import envelope, task_row

HANDLERS = dict(difficulty_handlers(default_registry(), default_calendar))
TOWN = "440203001"


async def registered_person(database: Database, region: str = TOWN) -> uuid.UUID:
    """Inserts the first-contact task a registration.created leaves, so the service knows the person."""
    task: FirstContactTask = task_row(region=region)
    async with database.transaction() as session:
        session.add(task)
    return task.person_id


async def consume(database: Database, event_type: EventType, payload: object) -> bool:
    """Handles one difficulty event as the worker would, once."""
    body = envelope(event_type, payload)  # type: ignore[arg-type]
    return await consume_event(database, platform.processed_event, body, HANDLERS)


def submitted(person_id: uuid.UUID, on: date, due: date, region: str = TOWN,
              application_id: uuid.UUID | None = None) -> DifficultyApplicationSubmitted:
    """Returns a difficulty.application_submitted payload."""
    return DifficultyApplicationSubmitted(
        application_id=application_id or uuid.uuid4(), person_id=person_id, agency_region_code=region,
        submitted_on=on, certification_due=due,
    )


def certified(event: DifficultyApplicationSubmitted, on: date, tier: int = 2) -> DifficultyCertified:
    """Returns the difficulty.certified payload of a submitted application."""
    return DifficultyCertified(
        certification_id=uuid.uuid4(), application_id=event.application_id, person_id=event.person_id,
        agency_region_code=event.agency_region_code, tier=tier, categories=["older_unemployed"], certified_on=on,
    )


def decided(event: DifficultyApplicationSubmitted, on: date, certified: bool) -> DifficultyDecided:
    """Returns the difficulty.decided payload of a submitted application."""
    return DifficultyDecided(application_id=event.application_id, person_id=event.person_id,
                             agency_region_code=event.agency_region_code, certified=certified, decided_on=on)


def ended(event: DifficultyCertified, on: date, reason: str = "employed") -> DifficultyEnded:
    """Returns the difficulty.ended payload of a certification."""
    return DifficultyEnded(certification_id=event.certification_id, person_id=event.person_id,
                           agency_region_code=event.agency_region_code, reason=reason, ended_on=on)
