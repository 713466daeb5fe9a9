"""Queries on job fairs, their vacancies and invitations."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_fair.models import InvitationResponse, JobFair, JobFairInvitation, JobFairVacancy
from registration_svc.person.models import Person
from registration_svc.vacancy.models import Vacancy
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


async def get_fair(session: AsyncSession, fair_id: uuid.UUID, *, for_update: bool = False) -> JobFair | None:
    """Gets a fair; `for_update` locks it."""
    stmt = select(JobFair).where(JobFair.id == fair_id)
    return await session.scalar(stmt.with_for_update() if for_update else stmt)


async def vacancy_states(session: AsyncSession, vacancy_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, str]:
    """Returns the status of each of the vacancies that exist."""
    rows = await session.execute(select(Vacancy.id, Vacancy.status).where(Vacancy.id.in_(vacancy_ids)))
    return {row[0]: str(row[1]) for row in rows}


async def existing_persons(session: AsyncSession, person_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Returns which of the ids are persons of the registry."""
    return set((await session.scalars(select(Person.id).where(Person.id.in_(person_ids)))).all())


async def add_vacancies(session: AsyncSession, fair_id: uuid.UUID, vacancy_ids: Sequence[uuid.UUID], by: str,
                        now: datetime) -> None:
    """Offers the vacancies at the fair; one offered already stays as it was."""
    if vacancy_ids:
        await session.execute(pg_insert(JobFairVacancy).values(
            [{"fair_id": fair_id, "vacancy_id": v, "added_by": by, "added_at": now} for v in vacancy_ids]
        ).on_conflict_do_nothing())


async def invite(session: AsyncSession, fair_id: uuid.UUID, person_ids: Sequence[uuid.UUID], on: date, by: str,
                 now: datetime) -> None:
    """Invites the persons to the fair; one invited already keeps their invitation and response."""
    await session.execute(pg_insert(JobFairInvitation).values(
        [{"fair_id": fair_id, "person_id": p, "invited_on": on, "response": InvitationResponse.INVITED,
          "invited_by": by, "updated_at": now} for p in person_ids]
    ).on_conflict_do_nothing())


async def respond(session: AsyncSession, fair_id: uuid.UUID, person_id: uuid.UUID, response: InvitationResponse,
                  now: datetime) -> bool:
    """Records what became of an invitation; False if the person was not invited."""
    result = await session.execute(
        update(JobFairInvitation)
        .where(JobFairInvitation.fair_id == fair_id, JobFairInvitation.person_id == person_id)
        .values(response=response, updated_at=now)
        .returning(JobFairInvitation.person_id)
    )
    return result.first() is not None


async def fair_vacancies(session: AsyncSession, fair_id: uuid.UUID) -> Sequence[Vacancy]:
    """Gets the vacancies offered at a fair, in the order they were added."""
    stmt = (select(Vacancy).join(JobFairVacancy, JobFairVacancy.vacancy_id == Vacancy.id)
            .where(JobFairVacancy.fair_id == fair_id).order_by(JobFairVacancy.added_at, Vacancy.id))
    return (await session.scalars(stmt)).all()


async def invitations(session: AsyncSession, fair_id: uuid.UUID) -> Sequence[Row[JobFairInvitation, str]]:
    """Gets a fair's invitations with each person's name."""
    stmt = (select(JobFairInvitation, Person.name).join(Person, Person.id == JobFairInvitation.person_id)
            .where(JobFairInvitation.fair_id == fair_id).order_by(JobFairInvitation.invited_on, Person.name))
    return (await session.execute(stmt)).all()


async def invited_count(session: AsyncSession, fair_id: uuid.UUID) -> int:
    """Counts a fair's invitations."""
    count = await session.scalar(select(func.count()).where(JobFairInvitation.fair_id == fair_id))
    return int(count or 0)


async def list_fairs(session: AsyncSession, region: str, since: date | None, page: PageRequest) -> Sequence[JobFair]:
    """Lists one page of the fairs of a region (held since `since`, if given), oldest record first."""
    stmt = select(JobFair).where(in_region(JobFair.agency_region_code, region))
    if since is not None:
        stmt = stmt.where(JobFair.ends_on >= since)
    return (await session.scalars(keyset(stmt, JobFair.created_at, JobFair.id, page))).all()
