"""Queries on assistance rows; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date as date_type

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance.models import Assistance
from followup_svc.service_record.models import ServiceRecord
from followup_svc.survey.models import PersonSurvey


async def lock_person(session: AsyncSession, person_id: uuid.UUID) -> None:
    """Serializes changes to one person's assistance (events and caseworkers) until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"followup.assistance:{person_id}"}
    )


async def get(session: AsyncSession, person_id: uuid.UUID) -> Assistance | None:
    """Gets a person's assistance row, refreshed from the database."""
    stmt = select(Assistance).where(Assistance.person_id == person_id).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_page(session: AsyncSession, after: uuid.UUID | None, limit: int) -> Sequence[Assistance]:
    """Lists one page of the assistance still running (a tier set), in person order after `after`, for the
    daily overdue job (a page's persons go into IN lists, which PostgreSQL's driver caps at 32,767 values)."""
    stmt = select(Assistance).where(Assistance.tier.is_not(None)).order_by(Assistance.person_id).limit(limit)
    if after is not None:
        stmt = stmt.where(Assistance.person_id > after)
    return (await session.execute(stmt)).scalars().all()


async def deliveries_of(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> Sequence[ServiceRecord]:
    """Lists the services recorded for some persons."""
    if not person_ids:
        return []
    stmt = select(ServiceRecord).where(ServiceRecord.person_id.in_(person_ids))
    return (await session.execute(stmt)).scalars().all()


async def surveys_of(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> Sequence[PersonSurvey]:
    """Lists the surveys of some persons."""
    if not person_ids:
        return []
    stmt = select(PersonSurvey).where(PersonSurvey.person_id.in_(person_ids))
    return (await session.execute(stmt)).scalars().all()


async def mark_flagged(session: AsyncSession, person_ids: Sequence[uuid.UUID], today: date_type) -> None:
    """Records the first day a person's assistance was reported overdue."""
    if not person_ids:
        return
    await session.execute(
        update(Assistance)
        .where(Assistance.person_id.in_(person_ids), Assistance.overdue_flagged_on.is_(None))
        .values(overdue_flagged_on=today)
    )


async def with_estimated_dues(session: AsyncSession) -> Sequence[Assistance]:
    """Lists, locked, the running assistance whose Tier II or III due date was estimated (a year the calendar
    did not know yet)."""
    stmt = (
        select(Assistance)
        .where(
            Assistance.tier.is_not(None),
            Assistance.tier2_due_estimated.is_(True) | Assistance.tier3_plan_due_estimated.is_(True),
        )
        .order_by(Assistance.person_id)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().all()
