"""Loads the person a request is about, in the caller's scope, or refuses naming the rule; and their timeline."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance.models import Assistance
from followup_svc.ledger import repository as ledger
from followup_svc.person import repository
from followup_svc.person.errors import UnknownPerson
from followup_svc.person.repository import KnownPerson, known_person
from followup_svc.person.schemas import Timeline, TimelineEntry
from followup_svc.recommendation import repository as recommendations
from followup_svc.recommendation.models import RecommendationResult
from followup_svc.service_record import repository as services
from shared.auth import Principal, forbidden
from shared.errors import Violation


async def require_person(session: AsyncSession, principal: Principal, person_id: uuid.UUID, rule: str) -> KnownPerson:
    """Returns the person if the service knows them (404 naming `rule` otherwise) and the caller's region
    covers theirs (403 otherwise)."""
    person = await known_person(session, person_id)
    if person is None:
        raise UnknownPerson(
            f"The follow-up service knows no person {person_id}: no registration or difficulty application of "
            "theirs has reached it.",
            f"跟踪服务中没有编号为“{person_id}”的人员：尚未收到其失业登记或就业困难人员认定申请。",
            [Violation(rule, "person_id", f"person {person_id} is not known to the follow-up service",
                       f"跟踪服务中不存在编号为“{person_id}”的人员")],
        )
    if not principal.covers_region(person.agency_region_code):
        raise forbidden()
    return person


def _tier_entries(row: Assistance) -> list[TimelineEntry]:
    entries = []
    key = str(row.person_id)
    for tier, started in (("I", row.tier1_started_on), ("II", row.tier2_started_on), ("III", row.tier3_started_on)):
        if started is not None:
            entries.append(TimelineEntry(on=started, type="tier", kind=f"tier_{tier}_started",
                                         detail=row.tier_reason if row.tier and row.tier.value == tier else "",
                                         by=None, record_id=key))
    if row.ended_on is not None:
        entries.append(TimelineEntry(on=row.ended_on, type="tier", kind="assistance_ended",
                                     detail=row.end_reason or "", by=None, record_id=key))
    return entries


async def timeline(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Timeline:
    """Returns a person's history oldest first: registrations and first contacts, the monthly ledger's contacts
    (FU-MONTHLY), services, tiers, job recommendations and their outcomes, revisits and the actions they opened."""
    person = await require_person(session, principal, person_id, "FU-SERVICE")
    items: list[TimelineEntry] = []
    for task in await repository.registrations_of(session, person_id):
        items.append(TimelineEntry(on=task.registered_on, type="registration", kind="registered",
                                   detail=task.agency_region_code, by=None, record_id=str(task.registration_id)))
        if task.contacted_on is not None:
            items.append(TimelineEntry(on=task.contacted_on, type="first_contact",
                                       kind=task.method.value if task.method else "", detail=task.outcome or "",
                                       by=task.completed_by, record_id=str(task.id)))
    for contact, month in await ledger.contacts_of_person(session, person_id):
        # The month's entry, the result and what the contact found ("2026-11 reached hired").
        found = " ".join(filter(None, (f"{month:%Y-%m}", contact.result.value, contact.employment_status)))
        items.append(TimelineEntry(on=contact.contacted_on, type="ledger_contact", kind=contact.method.value,
                                   detail=found, by=contact.recorded_by, record_id=str(contact.id)))
    for record in await services.of_person(session, person_id):
        items.append(TimelineEntry(on=record.delivered_on, type="service", kind=record.kind.value,
                                   detail=record.detail, by=record.given_by, record_id=str(record.id)))
    assistance = await session.get(Assistance, person_id)
    if assistance is not None:
        items.extend(_tier_entries(assistance))
    revisits = await repository.revisits_of(session, person_id)
    for revisit in revisits:
        items.append(TimelineEntry(on=revisit.visited_on, type="revisit", kind=revisit.target.value,
                                   detail=revisit.issues, by=revisit.visited_by, record_id=str(revisit.id)))
    visited = {str(r.id): r.visited_on for r in revisits}
    for action in await repository.actions_of(session, person_id):
        items.append(TimelineEntry(on=visited.get(str(action.revisit_id), action.created_at.date()),
                                   type="follow_up_action", kind=action.status.value,
                                   detail=f"{', '.join(action.problems)}: {action.action}", by=None,
                                   record_id=str(action.id)))
    for recommendation in await recommendations.of_person(session, person_id):
        items.append(TimelineEntry(on=recommendation.recommended_on, type="recommendation", kind="recommended",
                                   detail=recommendation.vacancy_title, by=recommendation.recommended_by,
                                   record_id=str(recommendation.id)))
        if recommendation.interviewed_on is not None and recommendation.result is not RecommendationResult.INTERVIEWED:
            items.append(TimelineEntry(on=recommendation.interviewed_on, type="recommendation", kind="interviewed",
                                       detail=recommendation.vacancy_title, by=recommendation.outcome_by,
                                       record_id=str(recommendation.id)))
        if recommendation.result is not None and recommendation.result_on is not None:
            items.append(TimelineEntry(on=recommendation.result_on, type="recommendation",
                                       kind=recommendation.result.value, detail=recommendation.vacancy_title,
                                       by=recommendation.outcome_by, record_id=str(recommendation.id)))
    order = {"registration": 0, "first_contact": 1, "ledger_contact": 2, "tier": 3, "service": 4, "recommendation": 5,
             "revisit": 6, "follow_up_action": 7}
    items.sort(key=lambda entry: (entry.on, order[entry.type]))
    return Timeline(person_id=str(person_id), agency_region_code=person.agency_region_code, items=items)
