"""Queries on job recommendations; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.recommendation.models import JobRecommendation
from shared.auth import Principal, scope_region
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


async def get(session: AsyncSession, recommendation_id: uuid.UUID, principal: Principal, *, for_update: bool = False
              ) -> JobRecommendation | None:
    """Gets a recommendation of the caller's region (None when it is missing or out of scope)."""
    stmt = select(JobRecommendation).where(
        JobRecommendation.id == recommendation_id,
        in_region(JobRecommendation.agency_region_code, scope_region(principal, None)),
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def of_vacancy(session: AsyncSession, person_id: uuid.UUID, vacancy_id: uuid.UUID) -> JobRecommendation | None:
    """Gets the recommendation of a vacancy to a person, if one was made."""
    stmt = select(JobRecommendation).where(JobRecommendation.person_id == person_id,
                                           JobRecommendation.vacancy_id == vacancy_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def page_of_person(session: AsyncSession, person_id: uuid.UUID, page: PageRequest
                         ) -> Sequence[JobRecommendation]:
    """Lists one page of a person's recommendations in the order made."""
    stmt = select(JobRecommendation).where(JobRecommendation.person_id == person_id)
    return (await session.scalars(keyset(stmt, JobRecommendation.created_at, JobRecommendation.id, page))).all()


async def of_person(session: AsyncSession, person_id: uuid.UUID) -> Sequence[JobRecommendation]:
    """Lists every recommendation of a person by the day made (for the timeline)."""
    stmt = (select(JobRecommendation).where(JobRecommendation.person_id == person_id)
            .order_by(JobRecommendation.recommended_on, JobRecommendation.created_at))
    return (await session.scalars(stmt)).all()


async def responses_since(session: AsyncSession, person_id: uuid.UUID, since: date
                          ) -> Sequence[tuple[date | None, str | None, date | None, bool, datetime]]:
    """Returns the outcomes of a person's recommendations dated from `since` as (interviewed on, result, result
    on, declined with good reason, when recorded), for FU-REFUSAL."""
    rows = await session.execute(
        select(JobRecommendation.interviewed_on, JobRecommendation.result, JobRecommendation.result_on,
               JobRecommendation.declined_justified, JobRecommendation.updated_at)
        .where(JobRecommendation.person_id == person_id, JobRecommendation.result_on >= since)
    )
    return [(interviewed, str(result) if result else None, on, bool(justified), at)
            for interviewed, result, on, justified, at in rows]
