"""Decisions of the other services told to the person (issue 16 §2): the certification of employment difficulty
(certified, or refused with its re-review deadline) and a refused skill-subsidy claim. Those services know the
person by id only; this service keeps the phone and the postal address, so it sends the notice through the
channel the person has (SMS, letter, else the agency's window), naming the agency and its telephone."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification.service import notify_person
from registration_svc.notification.templates import CLAIM_REJECTED, DIFFICULTY_DECIDED
from registration_svc.person.models import Person
from registration_svc.registration import repository
from shared.events import DifficultyDecided, EventEnvelope, EventType, SkillClaimRejected
from shared.outbox import EventHandler

logger = logging.getLogger(__name__)


async def tell_person(
    session: AsyncSession, person_id: uuid.UUID, agency_region_code: str, template: str, params: Mapping[str, str]
) -> uuid.UUID | None:
    """Stores the notice of a decision for the person (name, phone and address from the registry; the agency
    that answers for the region and its telephone, added by notify_person); None when the registry does not
    know the person."""
    person = await session.get(Person, person_id)
    if person is None:
        logger.warning("decision notice for a person the registry does not know; nothing to send",
                       extra={"person_id": str(person_id), "template": template})
        return None
    return await notify_person(
        session, person_id=person.id, phone=person.phone,
        address=await repository.latest_contact_address(session, person.id), template=template,
        params={"name": person.name, "agency_region_code": agency_region_code, **params},
        agency_region_code=agency_region_code,
    )


async def on_difficulty_decided(session: AsyncSession, envelope: EventEnvelope) -> None:
    """Tells the applicant the result of the certification (DIFF-REJECTION: with the re-review deadline)."""
    decided = DifficultyDecided.model_validate(envelope.payload)
    params = {"certified": "true" if decided.certified else "false", "decided_on": decided.decided_on.isoformat()}
    if decided.certificate_number:
        params["certificate_number"] = decided.certificate_number
    if decided.reason_zh:
        params["reason"] = decided.reason_zh
    if decided.rereview_by:
        params["rereview_by"] = decided.rereview_by.isoformat()
    await tell_person(session, decided.person_id, decided.agency_region_code, DIFFICULTY_DECIDED, params)


async def on_claim_rejected(session: AsyncSession, envelope: EventEnvelope) -> None:
    """Tells the claimant that the skill subsidy is not paid, why, and until when to appeal."""
    rejected = SkillClaimRejected.model_validate(envelope.payload)
    await tell_person(session, rejected.person_id, rejected.agency_region_code, CLAIM_REJECTED, {
        "applied_on": rejected.applied_on.isoformat(), "certificate_number": rejected.certificate_number,
        "reason": rejected.reason_zh, "appeal_by": rejected.appeal_by.isoformat(),
    })


def decision_handlers() -> dict[str, EventHandler]:
    """Returns the handlers of the decision events this service tells persons of."""
    return {EventType.DIFFICULTY_DECIDED: on_difficulty_decided, EventType.SKILL_CLAIM_REJECTED: on_claim_rejected}
