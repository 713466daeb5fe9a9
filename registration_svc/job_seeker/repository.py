"""Queries on job-seeker registrations."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, Select, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_seeker.models import VALID_JOB_SEEKER_WHERE, JobSeeker, ReviewStatus
from registration_svc.person.models import Person
from shared.auth import Principal, Role, scope_region
from shared.identity import normalize_id_number
from shared.pagination import PageRequest, keyset
from shared.regions import in_region

_INSERT_JOB_SEEKER = (
    pg_insert(JobSeeker)
    .on_conflict_do_nothing(index_elements=[JobSeeker.person_id], index_where=text(VALID_JOB_SEEKER_WHERE))
    .returning(JobSeeker)
)


async def insert_job_seeker(session: AsyncSession, values: Mapping[str, object]) -> JobSeeker | None:
    """Inserts a registration; None, writing nothing, if the person has one pending or published (the
    partial unique index decides, so a concurrent second request gets None rather than an abort)."""
    return (await session.scalars(_INSERT_JOB_SEEKER, [dict(values)])).first()


async def valid_job_seeker_id(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID | None:
    """Returns the id of the person's pending or published registration, if any."""
    return await session.scalar(
        select(JobSeeker.id).where(JobSeeker.person_id == person_id, text(VALID_JOB_SEEKER_WHERE))
    )


def readable(principal: Principal, region: str | None = None) -> Select[JobSeeker, Person]:
    """Returns the registrations (with their persons) the caller may see: a citizen their own, staff those
    of their region or of `region` inside it (T-REGION, 403 outside), a system all; an employer none (403)."""
    statement = select(JobSeeker, Person).join(Person, Person.id == JobSeeker.person_id)
    if principal.role is Role.CITIZEN:
        return statement.where(Person.id_number == normalize_id_number(principal.sub))
    return statement.where(in_region(JobSeeker.agency_region_code, scope_region(principal, region)))


async def get_readable(
    session: AsyncSession, principal: Principal, job_seeker_id: uuid.UUID
) -> tuple[JobSeeker, Person] | None:
    """Gets a registration the caller may see; None when missing or out of scope alike."""
    row = (await session.execute(readable(principal).where(JobSeeker.id == job_seeker_id))).first()
    return None if row is None else (row[0], row[1])


async def get_for_update(session: AsyncSession, job_seeker_id: uuid.UUID) -> tuple[JobSeeker, Person] | None:
    """Gets a registration with its person, the registration row locked."""
    stmt = (
        select(JobSeeker, Person)
        .join(Person, Person.id == JobSeeker.person_id)
        .where(JobSeeker.id == job_seeker_id)
        .with_for_update(of=JobSeeker)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a list of job-seeker registrations is restricted to."""

    region: str | None = None
    person_id: uuid.UUID | None = None
    status: ReviewStatus | None = None
    overdue: bool | None = None


async def list_job_seekers(
    session: AsyncSession, principal: Principal, flt: ListFilter, page: PageRequest
) -> Sequence[Row[JobSeeker, Person]]:
    """Lists one page of the registrations the caller may see, oldest first."""
    stmt = readable(principal, flt.region)
    if flt.person_id is not None:
        stmt = stmt.where(JobSeeker.person_id == flt.person_id)
    if flt.status is not None:
        stmt = stmt.where(JobSeeker.status == flt.status)
    if flt.overdue is not None:
        stmt = stmt.where(JobSeeker.overdue.is_(flt.overdue))
    return (await session.execute(keyset(stmt, JobSeeker.created_at, JobSeeker.id, page))).all()


async def flag_overdue(session: AsyncSession, today: date, now: datetime) -> Sequence[Row[uuid.UUID, str, date]]:
    """Marks registrations still waiting for review after their due date; returns those newly marked."""
    stmt = (
        update(JobSeeker)
        .where(JobSeeker.status == ReviewStatus.PENDING_REVIEW, JobSeeker.review_due < today,
               JobSeeker.overdue.is_(False))
        .values(overdue=True, overdue_flagged_at=now, updated_at=now)
        .returning(JobSeeker.id, JobSeeker.agency_region_code, JobSeeker.review_due)
    )
    return (await session.execute(stmt)).all()


async def pending_with_estimated_deadline(session: AsyncSession) -> Sequence[JobSeeker]:
    """Gets, locked, the registrations waiting for review whose review_due was estimated."""
    stmt = (
        select(JobSeeker)
        .where(JobSeeker.status == ReviewStatus.PENDING_REVIEW, JobSeeker.review_estimated.is_(True))
        .order_by(JobSeeker.applied_on)
        .with_for_update()
    )
    return (await session.scalars(stmt)).all()
