"""Queries for registration statistics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.registration.models import Registration, RegistrationStatus


async def statistics_rows(
    session: AsyncSession, as_of: date, region_prefix: str, timezone: str
) -> Sequence[tuple[str, str, str, int]]:
    """Counts registrations by county, residence type and status as of a date (registered or pending then)."""
    applied_on = func.date(func.timezone(timezone, Registration.applied_at))
    decided_on = func.date(func.timezone(timezone, Registration.decided_at))
    valid = and_(
        Registration.registered_on <= as_of,
        or_(
            Registration.deregistration_effective_date.is_(None),
            Registration.deregistration_effective_date > as_of,
        ),
    )
    pending = and_(
        applied_on <= as_of,
        or_(Registration.registered_on.is_(None), Registration.registered_on > as_of),
        or_(Registration.decided_at.is_(None), decided_on > as_of),
    )
    status_then = case(
        (valid, literal(RegistrationStatus.REGISTERED)),
        (pending, literal(RegistrationStatus.PENDING_VERIFICATION)),
        else_=literal(None),
    ).label("status_then")
    county = func.substr(Registration.agency_region_code, 1, 6).label("county")
    inner = (
        select(county, Registration.residence_type.label("residence_type"), status_then)
        .where(Registration.agency_region_code.startswith(region_prefix, autoescape=True))
        .subquery()
    )
    stmt = (
        select(inner.c.county, inner.c.residence_type, inner.c.status_then, func.count())
        .where(inner.c.status_then.is_not(None))
        .group_by(inner.c.county, inner.c.residence_type, inner.c.status_then)
        .order_by(inner.c.county, inner.c.residence_type, inner.c.status_then)
    )
    rows = (await session.execute(stmt)).all()
    return cast(Sequence[tuple[str, str, str, int]], rows)
