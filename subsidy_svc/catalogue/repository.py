"""Queries of the catalogue: the version in force on a date, its entries, and replacing a version's entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from subsidy_svc.catalogue.models import CatalogueEntry, CatalogueVersion


async def lock_catalogue(session: AsyncSession) -> None:
    """Serializes edits of the catalogue until the transaction ends (two admins editing one version)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('subsidy.catalogue', 0))"))


async def version_in_force(session: AsyncSession, on: date) -> CatalogueVersion | None:
    """Gets the version in force on a date: the latest whose effective_from is on or before it."""
    stmt = (
        select(CatalogueVersion).where(CatalogueVersion.effective_from <= on)
        .order_by(CatalogueVersion.effective_from.desc()).limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_version(session: AsyncSession, effective_from: date) -> CatalogueVersion | None:
    """Gets the version of an effective date."""
    return await session.get(CatalogueVersion, effective_from)


async def entries(session: AsyncSession, effective_from: date) -> Sequence[CatalogueEntry]:
    """Lists the entries of a version by occupation code and level."""
    stmt = (
        select(CatalogueEntry).where(CatalogueEntry.effective_from == effective_from)
        .order_by(CatalogueEntry.occupation_code, CatalogueEntry.level.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def entry(session: AsyncSession, effective_from: date, occupation_code: str, level: int) -> CatalogueEntry | None:
    """Gets one entry of a version."""
    return await session.get(CatalogueEntry, (effective_from, occupation_code, level))


async def replace_entries(
    session: AsyncSession, effective_from: date, rows: Sequence[dict[str, object]]
) -> None:
    """Replaces every entry of a version with the given rows."""
    await session.execute(delete(CatalogueEntry).where(CatalogueEntry.effective_from == effective_from))
    if rows:
        await session.execute(pg_insert(CatalogueEntry), [{**row, "effective_from": effective_from} for row in rows])
