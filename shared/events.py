"""Cross-service events: their names, envelope, payload schemas and which service queues receive them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, JsonValue


class EventType(StrEnum):
    """Every event type a service may emit."""

    REGISTRATION_CREATED = "registration.created"
    REGISTRATION_DEREGISTERED = "registration.deregistered"
    CALENDAR_YEAR_REPLACED = "calendar.year_replaced"


# Which services consume each event; the outbox relay puts one job on each of their queues.
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    EventType.REGISTRATION_CREATED: ("followup",),
    EventType.REGISTRATION_DEREGISTERED: ("followup",),
    EventType.CALENDAR_YEAR_REPLACED: ("registration", "followup", "eligibility"),
}

HANDLE_EVENT_JOB = "handle_event"


class EventEnvelope(BaseModel):
    """What travels on the queue: the event's identity, origin and payload."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    type: str
    source: str
    occurred_at: datetime
    request_id: str | None = None
    payload: dict[str, JsonValue]


class RegistrationCreated(BaseModel):
    """Payload of registration.created."""

    registration_id: UUID
    person_id: UUID
    agency_region_code: str
    channel: str
    status: str
    applied_at: datetime
    registered_on: date | None = None


class RegistrationDeregistered(BaseModel):
    """Payload of registration.deregistered."""

    registration_id: UUID
    person_id: UUID
    agency_region_code: str
    reason: str
    effective_date: date


class CalendarYearReplaced(BaseModel):
    """Payload of calendar.year_replaced: the whole arrangement, so consumers need not call back."""

    year: int
    holidays: dict[str, str]
    makeup_workdays: dict[str, str]
    source: str
    updated_by: str
