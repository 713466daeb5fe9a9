"""CalendarHolder: a process's calendar follows the stored years, and a year it swaps in is never lost."""

from __future__ import annotations

import asyncio
from datetime import date

from registration_svc.models import platform
from shared.calendar import YearArrangement
from shared.calendar_store import CalendarHolder, save_year
from shared.db import Database

TABLE = platform.calendar_year


def arrangement(year: int) -> YearArrangement:
    return YearArrangement(year, {date(year, 1, 2): "test holiday"}, {}, "test")


async def store(database: Database, year: int) -> None:
    async with database.transaction() as session:
        await save_year(session, TABLE, arrangement(year), updated_by="admin-1")


async def test_refresh_loads_stored_years_once(database: Database) -> None:
    await store(database, 2041)
    holder = CalendarHolder()
    assert await holder.refresh(database, TABLE) is True
    assert holder.calendar.day(date(2041, 1, 2)).kind == "holiday"
    assert await holder.refresh(database, TABLE) is False


async def test_a_year_swapped_in_during_a_refresh_is_kept_and_read_again_next_time(database: Database) -> None:
    await store(database, 2041)
    holder = CalendarHolder()
    loading = asyncio.create_task(holder.refresh(database, TABLE))
    await asyncio.sleep(0)  # the refresh is now waiting on the database
    holder.swap_in(arrangement(2042))  # a PUT of 2042 committed meanwhile in this process
    assert await loading is False
    assert holder.calendar.day(date(2042, 1, 2)).kind == "holiday"
    # The dropped load is read again, and now holds both years.
    await store(database, 2042)
    assert await holder.refresh(database, TABLE) is True
    assert holder.calendar.day(date(2041, 1, 2)).kind == "holiday"
    assert holder.calendar.day(date(2042, 1, 2)).kind == "holiday"
