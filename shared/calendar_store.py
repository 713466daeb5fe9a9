"""Keeps a service's working-day calendar: seed data plus the years an administrator replaced."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.calendar import WorkdayCalendar, YearArrangement, default_calendar
from shared.db import Database
from shared.events import CalendarYearReplaced, EventEnvelope
from shared.outbox import EventHandler

logger = logging.getLogger(__name__)


def arrangement_from_maps(
    year: int, holidays: dict[str, str], makeup_workdays: dict[str, str], source: str
) -> YearArrangement:
    """Builds a year's arrangement from its JSON maps of ISO date to name."""
    return YearArrangement(
        year=year,
        holidays={date.fromisoformat(d): name for d, name in holidays.items()},
        makeup_workdays={date.fromisoformat(d): name for d, name in makeup_workdays.items()},
        source=source,
    )


async def load_calendar(session: AsyncSession, table: Table) -> tuple[WorkdayCalendar, datetime | None]:
    """Returns the seed calendar with every stored year applied, and the latest change time."""
    rows = (await session.execute(select(table).order_by(table.c.year))).mappings().all()
    if not rows:
        return default_calendar(), None
    # One rebuild for all stored years: each rebuild costs tens of milliseconds.
    calendar = default_calendar().replace_years(
        arrangement_from_maps(r["year"], r["holidays"], r["makeup_workdays"], r["source"]) for r in rows
    )
    return calendar, max(r["updated_at"] for r in rows)


async def save_year(
    session: AsyncSession, table: Table, arrangement: YearArrangement, *, updated_by: str,
    published_on: date | None = None,
) -> None:
    """Stores (replaces) one year's arrangement."""
    values = {
        "year": arrangement.year,
        "holidays": {d.isoformat(): n for d, n in sorted(arrangement.holidays.items())},
        "makeup_workdays": {d.isoformat(): n for d, n in sorted(arrangement.makeup_workdays.items())},
        "source": arrangement.source,
        "published_on": published_on,
        "updated_by": updated_by,
        "updated_at": func.now(),
    }
    stmt = pg_insert(table).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[table.c.year], set_={k: stmt.excluded[k] for k in values})
    )


class CalendarHolder:
    """Holds the calendar a process answers from; swapped whole when the stored years change."""

    def __init__(self, calendar: WorkdayCalendar | None = None) -> None:
        self.calendar = calendar or default_calendar()
        self.version: datetime | None = None
        self._swaps = 0

    def swap_in(self, arrangement: YearArrangement) -> None:
        """Answers from a year this process has just committed, without waiting for the next refresh."""
        self.calendar = self.calendar.replace_year(arrangement)
        self._swaps += 1

    async def refresh(self, database: Database, table: Table) -> bool:
        """Reloads if the stored years changed since the last load; returns whether it did.

        A year swapped in while the load ran may be missing from what was read, so that load is dropped
        and the stored version left as it was: the next refresh reads again, the new year included.
        """
        swaps = self._swaps
        async with database.transaction() as session:
            latest = (await session.execute(select(func.max(table.c.updated_at)))).scalar()
            if latest == self.version:
                return False
            calendar, version = await load_calendar(session, table)
        if swaps != self._swaps:
            return False
        self.calendar, self.version = calendar, version
        return True

    async def keep_fresh(self, database: Database, table: Table, interval: float = 30.0) -> None:
        """Refreshes periodically so a year replaced elsewhere reaches this process within the interval."""
        while True:
            await asyncio.sleep(interval)
            try:
                if await self.refresh(database, table):
                    logger.info("calendar reloaded")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep answering from the last good calendar
                logger.warning("calendar refresh failed", extra={"error": repr(exc)[:300]})


Redater = Callable[[AsyncSession, WorkdayCalendar], Awaitable[int]]


def calendar_year_handler(table: Table, redate: Redater | None = None) -> EventHandler:
    """Returns the handler that stores a year replaced in the subsidy service into this service's table and
    then lets `redate` re-count, in the same transaction and on the new calendar, the due dates this
    service estimated while the year was unknown."""

    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = CalendarYearReplaced.model_validate(envelope.payload)
        arrangement = arrangement_from_maps(event.year, event.holidays, event.makeup_workdays, event.source)
        await save_year(session, table, arrangement, updated_by=event.updated_by)
        if redate is not None:
            calendar, _ = await load_calendar(session, table)
            redated = await redate(session, calendar)
            logger.info("due dates re-counted on the new calendar", extra={"year": event.year, "redated": redated})

    return handle
