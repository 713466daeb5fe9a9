"""Queries on vacancies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.vacancy.models import CloseReason, Vacancy
from shared.auth import Principal, Role
from shared.pagination import PageRequest, keyset
from shared.regions import in_region, region_prefix


def readable(principal: Principal) -> Select[Vacancy]:
    """Returns the vacancies the caller may see: published ones to everyone; besides them, an employer its
    own in any state, staff every vacancy of their region (T-REGION), a system all of them."""
    statement = select(Vacancy)
    published = Vacancy.status == ReviewStatus.PUBLISHED
    if principal.role is Role.SYSTEM:
        return statement
    if principal.role is Role.EMPLOYER:
        return statement.where(or_(published, Vacancy.employer_credit_code == principal.sub))
    if principal.is_staff:
        return statement.where(or_(published, in_region(Vacancy.region_code, region_prefix(principal.region))))
    return statement.where(published)


async def get_readable(session: AsyncSession, principal: Principal, vacancy_id: uuid.UUID) -> Vacancy | None:
    """Gets a vacancy the caller may see; None when missing or hidden alike."""
    return await session.scalar(readable(principal).where(Vacancy.id == vacancy_id))


async def get_for_update(session: AsyncSession, vacancy_id: uuid.UUID) -> Vacancy | None:
    """Gets a vacancy, its row locked."""
    return await session.scalar(select(Vacancy).where(Vacancy.id == vacancy_id).with_for_update())


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a list of vacancies is restricted to."""

    status: ReviewStatus | None = None
    occupation_code: str | None = None
    region: str | None = None
    employer_credit_code: str | None = None
    overdue: bool | None = None


async def list_vacancies(
    session: AsyncSession, principal: Principal, flt: ListFilter, page: PageRequest
) -> Sequence[Vacancy]:
    """Lists one page of the vacancies the caller may see, oldest first; an occupation or region code
    finds its whole group or area."""
    stmt = readable(principal)
    if flt.status is not None:
        stmt = stmt.where(Vacancy.status == flt.status)
    if flt.occupation_code is not None:
        stmt = stmt.where(or_(Vacancy.occupation_code == flt.occupation_code,
                              Vacancy.occupation_code.startswith(flt.occupation_code + "-", autoescape=True)))
    if flt.region is not None:
        stmt = stmt.where(in_region(Vacancy.region_code, region_prefix(flt.region)))
    if flt.employer_credit_code is not None:
        stmt = stmt.where(Vacancy.employer_credit_code == flt.employer_credit_code)
    if flt.overdue is not None:
        stmt = stmt.where(Vacancy.overdue.is_(flt.overdue))
    return (await session.scalars(keyset(stmt, Vacancy.created_at, Vacancy.id, page))).all()


async def open_vacancies(
    session: AsyncSession, today: date, region: str | None, page: PageRequest
) -> Sequence[Vacancy]:
    """Lists one page of the published vacancies valid on `today` (in `region`, if given), oldest first."""
    stmt = select(Vacancy).where(Vacancy.status == ReviewStatus.PUBLISHED, Vacancy.valid_until >= today)
    if region is not None:
        stmt = stmt.where(in_region(Vacancy.region_code, region_prefix(region)))
    return (await session.scalars(keyset(stmt, Vacancy.created_at, Vacancy.id, page))).all()


async def close_expired(session: AsyncSession, today: date, now: datetime) -> Sequence[uuid.UUID]:
    """Closes the published and pending vacancies whose validity ended before `today`; returns their ids."""
    stmt = (
        update(Vacancy)
        .where(Vacancy.status.in_([ReviewStatus.PUBLISHED, ReviewStatus.PENDING_REVIEW]),
               Vacancy.valid_until < today)
        .values(status=ReviewStatus.CLOSED, close_reason=CloseReason.EXPIRED, closed_on=today, closed_by="system",
                updated_at=now)
        .returning(Vacancy.id)
    )
    return (await session.scalars(stmt)).all()


async def flag_overdue(session: AsyncSession, today: date, now: datetime) -> Sequence[uuid.UUID]:
    """Marks vacancies still waiting for review after their due date; returns those newly marked."""
    stmt = (
        update(Vacancy)
        .where(Vacancy.status == ReviewStatus.PENDING_REVIEW, Vacancy.review_due < today,
               Vacancy.overdue.is_(False))
        .values(overdue=True, overdue_flagged_at=now, updated_at=now)
        .returning(Vacancy.id)
    )
    return (await session.scalars(stmt)).all()


async def pending_with_estimated_deadline(session: AsyncSession) -> Sequence[Vacancy]:
    """Gets, locked, the vacancies waiting for review whose review_due was estimated."""
    stmt = (
        select(Vacancy)
        .where(Vacancy.status == ReviewStatus.PENDING_REVIEW, Vacancy.review_estimated.is_(True))
        .order_by(Vacancy.applied_on)
        .with_for_update()
    )
    return (await session.scalars(stmt)).all()
