"""Queries of the region registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.region.models import Agency, Town


async def put_town(session: AsyncSession, values: Mapping[str, object]) -> Town:
    """Creates or renames a town; returns it."""
    statement = pg_insert(Town).values(**values)
    town = await session.scalar(
        statement.on_conflict_do_update(
            index_elements=[Town.code],
            set_={"name": statement.excluded.name, "updated_by": statement.excluded.updated_by,
                  "updated_at": statement.excluded.updated_at},
        ).returning(Town).execution_options(populate_existing=True)
    )
    assert town is not None
    return town


async def put_agency(session: AsyncSession, values: Mapping[str, object]) -> Agency:
    """Creates or replaces the agency of a region; returns it."""
    statement = pg_insert(Agency).values(**values)
    updated = {key: statement.excluded[key] for key in values if key != "region_code"}
    agency = await session.scalar(
        statement.on_conflict_do_update(index_elements=[Agency.region_code], set_=updated)
        .returning(Agency).execution_options(populate_existing=True)
    )
    assert agency is not None
    return agency


async def towns(session: AsyncSession, codes: Sequence[str]) -> dict[str, Town]:
    """Gets the registered towns among `codes`, by code."""
    rows = await session.scalars(select(Town).where(Town.code.in_(codes)))
    return {town.code: town for town in rows}


async def towns_of_county(session: AsyncSession, county_code: str) -> Sequence[Town]:
    """Gets the registered towns of a county, by code."""
    return (await session.scalars(select(Town).where(Town.county_code == county_code).order_by(Town.code))).all()


async def agencies(session: AsyncSession, codes: Sequence[str]) -> dict[str, Agency]:
    """Gets the agencies of the regions among `codes`, by region code."""
    rows = await session.scalars(select(Agency).where(Agency.region_code.in_(codes)))
    return {agency.region_code: agency for agency in rows}
