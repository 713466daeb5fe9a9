"""Queries on the services given; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.service_list.models import ServiceList
from followup_svc.service_record.models import ServiceRecord
from shared.pagination import PageRequest, keyset


async def page_of_person(
    session: AsyncSession, person_id: uuid.UUID, page: PageRequest
) -> Sequence[tuple[ServiceRecord, ServiceList | None]]:
    """Lists one page of a person's services in the order recorded, each with the list it handed over."""
    stmt = (
        select(ServiceRecord, ServiceList)
        .outerjoin(ServiceList, ServiceList.id == ServiceRecord.service_list_id)
        .where(ServiceRecord.person_id == person_id)
    )
    stmt = keyset(stmt, ServiceRecord.created_at, ServiceRecord.id, page)
    return [(record, given) for record, given in (await session.execute(stmt)).all()]


async def of_person(session: AsyncSession, person_id: uuid.UUID) -> Sequence[ServiceRecord]:
    """Lists every service of a person by the day given (for counting and the timeline)."""
    stmt = (
        select(ServiceRecord)
        .where(ServiceRecord.person_id == person_id)
        .order_by(ServiceRecord.delivered_on, ServiceRecord.created_at)
    )
    return (await session.execute(stmt)).scalars().all()
