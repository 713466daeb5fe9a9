"""Queries on the subsidy schema's calendar_year table (the years an administrator replaced)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.calendar import YearArrangement
from shared.calendar_store import arrangement_from_maps


@dataclass(frozen=True, slots=True)
class StoredYear:
    """A stored year's arrangement with who published and changed it, and when."""

    arrangement: YearArrangement
    published_on: date | None
    updated_by: str
    updated_at: datetime


async def get_stored_year(session: AsyncSession, table: Table, year: int) -> StoredYear | None:
    """Gets a year's stored arrangement, or None when the year was never replaced."""
    row = (await session.execute(select(table).where(table.c.year == year))).mappings().first()
    if row is None:
        return None
    return StoredYear(
        arrangement=arrangement_from_maps(
            row["year"], row["holidays"], row["makeup_workdays"], row["source"]
        ),
        published_on=row["published_on"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )
