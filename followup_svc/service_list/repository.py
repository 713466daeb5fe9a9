"""Queries on the region lists; the only module that builds them."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.service_list.models import ListKind, ServiceList


def ancestors(prefix: str) -> list[str]:
    """Returns a region prefix and those above it, nearest first (440203001 → 440203001, 440203, 4402, 44)."""
    return [prefix[:length] for length in (9, 6, 4, 2) if len(prefix) >= length]


async def lock_region_list(session: AsyncSession, region: str, kind: ListKind) -> None:
    """Serializes the writing of a region's list of one kind, so two PUTs never take one version number."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"followup.list:{kind}:{region}"}
    )


async def latest_version(session: AsyncSession, region: str, kind: ListKind) -> int:
    """Returns the highest version of a region's list of one kind (0 when it has none)."""
    stmt = select(func.coalesce(func.max(ServiceList.version), 0)).where(
        ServiceList.region_code == region, ServiceList.kind == kind
    )
    return int((await session.execute(stmt)).scalar_one())


async def in_force(
    session: AsyncSession, region: str, kind: ListKind, version: int | None = None
) -> ServiceList | None:
    """Returns the list that applies in a region: the list of the nearest region at or above it that has one,
    in its latest version (or in the version asked for)."""
    nearest = (
        await session.execute(
            select(ServiceList)
            .where(ServiceList.kind == kind, ServiceList.region_code.in_(ancestors(region)))
            .order_by(func.length(ServiceList.region_code).desc(), ServiceList.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if nearest is None or version is None or version == nearest.version:
        return nearest
    stmt = select(ServiceList).where(
        ServiceList.kind == kind, ServiceList.region_code == nearest.region_code, ServiceList.version == version
    )
    return (await session.execute(stmt)).scalar_one_or_none()
