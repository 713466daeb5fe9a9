"""Queries on first-contact tasks and the deregistrations seen from events; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.models import Deregistration, FirstContactStatus, FirstContactTask
from shared.auth import Principal, scope_region
from shared.db import in_chunks
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


async def lock_registration(session: AsyncSession, registration_id: uuid.UUID) -> None:
    """Serializes the handling of one registration's events until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"followup.registration:{registration_id}"},
    )


def readable(principal: Principal, region: str | None = None) -> Select[FirstContactTask]:
    """Returns the tasks the caller may see: those of their region, or of `region` inside it (T-REGION)."""
    return select(FirstContactTask).where(
        in_region(FirstContactTask.agency_region_code, scope_region(principal, region))
    )


async def get(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> FirstContactTask | None:
    """Gets a task the caller may see by its ID, optionally locking it; None when missing or out of scope."""
    stmt = readable(principal).where(FirstContactTask.id == task_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_by_registration(session: AsyncSession, registration_id: uuid.UUID) -> FirstContactTask | None:
    """Gets the task of a registration."""
    stmt = select(FirstContactTask).where(FirstContactTask.registration_id == registration_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_if_absent(session: AsyncSession, task: FirstContactTask) -> bool:
    """Inserts a task unless its registration has one already; returns whether it inserted."""
    values = {
        column.key: getattr(task, column.key)
        for column in FirstContactTask.__table__.columns
        if getattr(task, column.key) is not None
    }
    inserted = (
        await session.execute(
            pg_insert(FirstContactTask)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[FirstContactTask.registration_id])
            .returning(FirstContactTask.id)
        )
    ).first()
    return inserted is not None


async def get_deregistration(session: AsyncSession, registration_id: uuid.UUID) -> Deregistration | None:
    """Gets the recorded deregistration of a registration, if any."""
    return await session.get(Deregistration, registration_id)


async def record_deregistration(
    session: AsyncSession, registration_id: uuid.UUID, reason: str, effective_date: date
) -> None:
    """Records a deregistration once (the first one seen wins)."""
    await session.execute(
        pg_insert(Deregistration)
        .values(registration_id=registration_id, reason=reason, effective_date=effective_date)
        .on_conflict_do_nothing(index_elements=[Deregistration.registration_id])
    )


async def cancel_open(session: AsyncSession, registration_id: uuid.UUID, at: datetime) -> int:
    """Cancels the open task of a registration; returns how many rows changed (0 or 1)."""
    result = await session.execute(
        update(FirstContactTask)
        .where(
            FirstContactTask.registration_id == registration_id,
            FirstContactTask.status == FirstContactStatus.OPEN,
        )
        .values(status=FirstContactStatus.CANCELLED, cancelled_at=at)
        .returning(FirstContactTask.id)
    )
    return len(result.all())


async def list_page(
    session: AsyncSession,
    principal: Principal,
    *,
    region: str | None,
    status: FirstContactStatus | None,
    overdue_on: date | None,
    overdue: bool | None,
    page: PageRequest,
) -> Sequence[FirstContactTask]:
    """Lists one page of the tasks the caller may see, oldest first."""
    stmt = readable(principal, region)
    if status is not None:
        stmt = stmt.where(FirstContactTask.status == status.value)
    if overdue is not None and overdue_on is not None:
        is_open = FirstContactTask.status == FirstContactStatus.OPEN
        late = is_open & (FirstContactTask.due_on < overdue_on)
        stmt = stmt.where(late if overdue else ~late)
    stmt = keyset(stmt, FirstContactTask.created_at, FirstContactTask.id, page)
    return (await session.execute(stmt)).scalars().all()


async def open_overdue(session: AsyncSession, today: date) -> Sequence[FirstContactTask]:
    """Lists open tasks whose due date has passed, oldest due first, locking them for the flag update."""
    stmt = (
        select(FirstContactTask)
        .where(FirstContactTask.status == FirstContactStatus.OPEN, FirstContactTask.due_on < today)
        .order_by(FirstContactTask.due_on, FirstContactTask.id)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def open_with_estimated_due(session: AsyncSession) -> Sequence[FirstContactTask]:
    """Lists, locked, the open tasks whose due date was estimated (a year the calendar did not know yet)."""
    stmt = (
        select(FirstContactTask)
        .where(FirstContactTask.status == FirstContactStatus.OPEN, FirstContactTask.due_estimated.is_(True))
        .order_by(FirstContactTask.due_on, FirstContactTask.id)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().all()


async def mark_flagged(session: AsyncSession, task_ids: Sequence[uuid.UUID], today: date) -> None:
    """Records the first day each task was reported overdue."""
    for chunk in in_chunks(task_ids):
        await session.execute(
            update(FirstContactTask)
            .where(FirstContactTask.id.in_(chunk), FirstContactTask.overdue_flagged_on.is_(None))
            .values(overdue_flagged_on=today)
        )

