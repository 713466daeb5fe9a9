"""Builders of registration events and first-contact rows for the followup tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from pydantic import BaseModel

from followup_svc.models import FirstContactTask
from shared.events import EventEnvelope, EventType, RegistrationCreated, RegistrationDeregistered


def envelope(event_type: EventType, payload: BaseModel, event_id: uuid.UUID | None = None) -> dict[str, object]:
    """Returns the JSON body of an event as the relay puts it on the queue."""
    return EventEnvelope(
        id=event_id or uuid.uuid4(),
        type=event_type,
        source="registration",
        occurred_at=datetime.now(UTC),
        payload=payload.model_dump(mode="json"),
    ).model_dump(mode="json")


def created(
    registration_id: uuid.UUID | None = None,
    *,
    region: str = "440203",
    registered_on: date | None = None,
    applied_at: datetime | None = None,
) -> RegistrationCreated:
    """Returns a registration.created payload."""
    return RegistrationCreated(
        registration_id=registration_id or uuid.uuid4(),
        person_id=uuid.uuid4(),
        agency_region_code=region,
        channel="window",
        status="registered",
        applied_at=applied_at or datetime(2026, 11, 16, 2, 0, tzinfo=UTC),
        registered_on=registered_on,
    )


def deregistered(event: RegistrationCreated, reason: str = "hired") -> RegistrationDeregistered:
    """Returns the registration.deregistered payload of a created registration."""
    return RegistrationDeregistered(
        registration_id=event.registration_id,
        person_id=event.person_id,
        agency_region_code=event.agency_region_code,
        reason=reason,
        effective_date=date(2026, 11, 20),
    )


def task_row(
    *,
    region: str = "440203",
    registered_on: date = date(2026, 11, 16),
    due_on: date = date(2026, 11, 23),
    status: str = "open",
    created_at: datetime | None = None,
) -> FirstContactTask:
    """Returns a task row to insert directly (for list, read and overdue tests)."""
    return FirstContactTask(
        id=uuid.uuid4(),
        registration_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        agency_region_code=region,
        registered_on=registered_on,
        due_on=due_on,
        due_workdays=5,
        due_source="national rule (test)",
        due_estimated=False,
        status=status,
        created_at=created_at or datetime.now(UTC),
        cancelled_at=datetime.now(UTC) if status == "cancelled" else None,
    )
