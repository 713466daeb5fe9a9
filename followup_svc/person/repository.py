"""The one answer to "is this person known here, and which region scopes them": from the registrations the
follow-up service has seen (registration.created, kept on first_contact_task) and from its assistance rows
(difficulty.* events). The monthly ledger can join here later without its callers changing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.models import Assistance, FirstContactTask, FollowupAction, Revisit


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person the follow-up service knows, the region of the agency that serves them, and from what."""

    person_id: uuid.UUID
    agency_region_code: str
    known_from: str  # registration | assistance


async def known_person(session: AsyncSession, person_id: uuid.UUID) -> KnownPerson | None:
    """Finds a person: the agency of their latest registration, else that of their assistance; None if unseen."""
    region = (
        await session.execute(
            select(FirstContactTask.agency_region_code)
            .where(FirstContactTask.person_id == person_id)
            .order_by(FirstContactTask.registered_on.desc(), FirstContactTask.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if region is not None:
        return KnownPerson(person_id, region, "registration")
    region = (
        await session.execute(select(Assistance.agency_region_code).where(Assistance.person_id == person_id))
    ).scalar_one_or_none()
    return KnownPerson(person_id, region, "assistance") if region is not None else None


async def registrations_of(session: AsyncSession, person_id: uuid.UUID) -> Sequence[FirstContactTask]:
    """Lists the registrations (with their first contacts) of a person the service has seen."""
    stmt = select(FirstContactTask).where(FirstContactTask.person_id == person_id).order_by(
        FirstContactTask.registered_on
    )
    return (await session.execute(stmt)).scalars().all()


async def revisits_of(session: AsyncSession, person_id: uuid.UUID) -> Sequence[Revisit]:
    """Lists the revisits made about a person."""
    stmt = select(Revisit).where(Revisit.person_id == person_id).order_by(Revisit.visited_on)
    return (await session.execute(stmt)).scalars().all()


async def actions_of(session: AsyncSession, person_id: uuid.UUID) -> Sequence[FollowupAction]:
    """Lists the follow-up actions opened on a person."""
    stmt = select(FollowupAction).where(FollowupAction.person_id == person_id).order_by(FollowupAction.created_at)
    return (await session.execute(stmt)).scalars().all()
