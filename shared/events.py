"""Cross-service events: their names, envelope, payload schemas and which service queues receive them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class EventType(StrEnum):
    """Every event type a service may emit."""

    REGISTRATION_CREATED = "registration.created"
    REGISTRATION_DEREGISTERED = "registration.deregistered"
    CALENDAR_YEAR_REPLACED = "calendar.year_replaced"
    FOLLOWUP_DEREGISTRATION_REQUESTED = "followup.deregistration_requested"
    DIFFICULTY_APPLICATION_SUBMITTED = "difficulty.application_submitted"
    DIFFICULTY_DECIDED = "difficulty.decided"
    DIFFICULTY_CERTIFIED = "difficulty.certified"
    DIFFICULTY_ENDED = "difficulty.ended"
    SKILL_CLAIM_REJECTED = "skill_subsidy.claim_rejected"


# Which services consume each event; the outbox relay puts one job on each of their queues.
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    EventType.REGISTRATION_CREATED: ("followup",),
    # DIFF-EXIT: a certification ends when the registration is deregistered for work, pension, death, prison.
    EventType.REGISTRATION_DEREGISTERED: ("followup", "eligibility"),
    EventType.CALENDAR_YEAR_REPLACED: ("registration", "followup", "eligibility"),
    # FU-OUTCOME, FU-REFUSAL, FU-UNREACHABLE: the registration service carries the deregistration out.
    EventType.FOLLOWUP_DEREGISTRATION_REQUESTED: ("registration",),
    # FU-TIER: the certification workflow drives the three tiers of assistance in the follow-up service.
    EventType.DIFFICULTY_APPLICATION_SUBMITTED: ("followup",),
    # The registration service keeps the person's phone and address: it tells the person of the decision
    # (the certification, or the 不予认定告知 with its re-review deadline), as of a skill-subsidy claim refused.
    EventType.DIFFICULTY_DECIDED: ("followup", "registration"),
    EventType.DIFFICULTY_CERTIFIED: ("followup",),
    EventType.DIFFICULTY_ENDED: ("followup",),
    EventType.SKILL_CLAIM_REJECTED: ("registration",),
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


class FollowupDeregistrationRequested(BaseModel):
    """Payload of followup.deregistration_requested: a follow-up outcome ends the registration (FU-OUTCOME,
    FU-REFUSAL, FU-UNREACHABLE); the registration service deregisters as its endpoint would."""

    registration_id: UUID
    reason: str
    effective_date: date
    # The caseworker whose contact (or the job whose run) asked for it: the actor of the deregistration.
    requested_by: str
    # What the request rests on: the rule, the contact or months counted, for the audit log.
    evidence: dict[str, JsonValue] = Field(default_factory=dict)
    # DEREG-INCOME needs the monthly income of a stable_income outcome.
    monthly_income_fen: int | None = None
    note: str = ""


class DifficultyApplicationSubmitted(BaseModel):
    """Payload of difficulty.application_submitted: Tier I assistance starts (FU-TIER)."""

    application_id: UUID
    person_id: UUID
    agency_region_code: str
    submitted_on: date
    # The date the certification is due by, which is also Tier I's deadline.
    certification_due: date


class DifficultyDecided(BaseModel):
    """Payload of difficulty.decided: an application was certified or rejected."""

    application_id: UUID
    person_id: UUID
    agency_region_code: str
    certified: bool
    decided_on: date
    # What the person is told (absent in events emitted before they were added): the certificate's number,
    # or the reason of the rejection and the last day of a re-review.
    certificate_number: str | None = None
    reason_zh: str | None = None
    rereview_by: date | None = None


class DifficultyCertified(BaseModel):
    """Payload of difficulty.certified: Tier II or III assistance starts (FU-TIER)."""

    certification_id: UUID
    application_id: UUID
    person_id: UUID
    agency_region_code: str
    tier: int
    categories: list[str]
    certified_on: date


class DifficultyEnded(BaseModel):
    """Payload of difficulty.ended: the certification ended (DIFF-EXIT) and so do the tiers."""

    certification_id: UUID
    person_id: UUID
    agency_region_code: str
    reason: str
    ended_on: date


class SkillClaimRejected(BaseModel):
    """Payload of skill_subsidy.claim_rejected: a claim is not paid (on review, or an objection upheld); the
    registration service tells the person, with the reason and until when they may appeal."""

    claim_id: UUID
    person_id: UUID
    agency_region_code: str
    applied_on: date
    certificate_number: str
    reason_zh: str
    rejected_on: date
    appeal_by: date
