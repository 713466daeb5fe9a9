"""Queries on revisits owed and made; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.revisit.models import RevisitSlot, RevisitTarget
from shared.auth import Principal, scope_region
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


def readable(principal: Principal, region: str | None = None) -> Select[RevisitSlot]:
    """Returns the revisits owed that the caller may see: in their region, or in `region` inside it."""
    return select(RevisitSlot).where(in_region(RevisitSlot.agency_region_code, scope_region(principal, region)))


async def insert_slots(session: AsyncSession, slots: Sequence[RevisitSlot]) -> None:
    """Inserts revisits owed, skipping any already scheduled for the same start of work."""
    for slot in slots:
        columns = RevisitSlot.__table__.columns
        values = {c.key: getattr(slot, c.key) for c in columns if getattr(slot, c.key) is not None}
        await session.execute(
            pg_insert(RevisitSlot).values(**values).on_conflict_do_nothing(
                index_elements=["person_id", "started_work_on", "target", "sequence"]
            )
        )


async def of_start(session: AsyncSession, person_id: uuid.UUID, started_work_on: date) -> Sequence[RevisitSlot]:
    """Lists the revisits owed for one start of work, by target and number."""
    stmt = (
        select(RevisitSlot)
        .where(RevisitSlot.person_id == person_id, RevisitSlot.started_work_on == started_work_on)
        .order_by(RevisitSlot.target, RevisitSlot.sequence)
    )
    return (await session.execute(stmt)).scalars().all()


async def next_open(
    session: AsyncSession, person_id: uuid.UUID, target: RevisitTarget, visited_on: date
) -> RevisitSlot | None:
    """Locks and returns the earliest revisit still owed to a target on or before a visit (work had started)."""
    stmt = (
        select(RevisitSlot)
        .where(
            RevisitSlot.person_id == person_id, RevisitSlot.target == target, RevisitSlot.revisit_id.is_(None),
            RevisitSlot.started_work_on <= visited_on,
        )
        .order_by(RevisitSlot.due_on, RevisitSlot.sequence)
        .limit(1)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def due_page(
    session: AsyncSession, principal: Principal, region: str | None, before: date, page: PageRequest
) -> Sequence[RevisitSlot]:
    """Lists one page of revisits still owed and due on or before a day, in the caller's region."""
    stmt = readable(principal, region).where(RevisitSlot.revisit_id.is_(None), RevisitSlot.due_on <= before)
    stmt = keyset(stmt, RevisitSlot.created_at, RevisitSlot.id, page)
    return (await session.execute(stmt)).scalars().all()


async def of_person(session: AsyncSession, person_id: uuid.UUID) -> Sequence[RevisitSlot]:
    """Lists every revisit owed to or about a person (for the timeline)."""
    stmt = select(RevisitSlot).where(RevisitSlot.person_id == person_id).order_by(RevisitSlot.due_on)
    return (await session.execute(stmt)).scalars().all()


async def open_with_estimated_due(session: AsyncSession) -> Sequence[RevisitSlot]:
    """Lists, locked, the revisits still owed whose due date was estimated."""
    stmt = (
        select(RevisitSlot)
        .where(RevisitSlot.revisit_id.is_(None), RevisitSlot.due_estimated.is_(True))
        .order_by(RevisitSlot.due_on, RevisitSlot.id)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().all()
