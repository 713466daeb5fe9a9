"""The one deadline value (a due date counted in working days, with its rule and source) and the one way to
re-count stored estimated deadlines when a year's holiday arrangement arrives.

A deadline over a year the calendar does not know yet is counted on plain weekends and marked estimated
(T-WORKDAY). When the year's arrangement is published (`calendar.year_replaced`), every service re-counts
its estimated deadlines of each kind through `redate_estimated`, in the transaction that stores the year.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.calendar import WorkdayCalendar
from shared.calendar_store import Redater
from shared.clock import Clock
from shared.policy.documents import cite

logger = logging.getLogger(__name__)

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date: `workdays` working days after `start` (T-WORKDAY), under `rule`, from `source`;
    `estimated` when a year involved had no published holiday arrangement."""

    rule: str
    start: date
    workdays: int
    due_on: date
    estimated: bool
    source: str

    def recounted(self, calendar: WorkdayCalendar) -> Deadline:
        """Returns the same deadline counted again on `calendar` (a year may have become known)."""
        due = calendar.add_workdays(self.start, self.workdays)
        return replace(self, due_on=due.due, estimated=due.estimated)


def count_deadline(rule: str, start: date, workdays: int, source: str, calendar: WorkdayCalendar) -> Deadline:
    """Counts `workdays` working days after `start`; `start` itself is not counted and 0 gives `start`."""
    due = calendar.add_workdays(start, workdays)
    return Deadline(rule, start, workdays, due.due, due.estimated, cite(source))


@dataclass(frozen=True)
class StoredDeadlines(Generic[Row]):
    """Where one kind of deadline is stored: how to load the estimated ones (locked), read one row's
    deadline, and move a row to its re-counted deadline (clearing an overdue mark if it is no longer late)."""

    rule: str
    load_estimated: Callable[[AsyncSession], Awaitable[Sequence[Row]]]
    read: Callable[[Row], Deadline]
    move: Callable[[Row, Deadline, date], None]


async def redate_estimated(
    session: AsyncSession, calendar: WorkdayCalendar, today: date, kind: StoredDeadlines[Row]
) -> int:
    """Re-counts every estimated deadline of one kind on `calendar`; returns how many moved."""
    moved = 0
    for row in await kind.load_estimated(session):
        stored = kind.read(row)
        counted = stored.recounted(calendar)
        if (counted.due_on, counted.estimated) == (stored.due_on, stored.estimated):
            continue
        logger.info(
            "deadline re-counted on the new calendar",
            extra={"rule": kind.rule, "was": stored.due_on.isoformat(), "now": counted.due_on.isoformat(),
                   "estimated": counted.estimated},
        )
        kind.move(row, counted, today)
        moved += 1
    await session.flush()
    return moved


def deadline_redater(clock: Clock, *kinds: StoredDeadlines[Any]) -> Redater:
    """Returns what a service's calendar.year_replaced handler runs: every kind of its deadlines re-counted."""

    async def redate(session: AsyncSession, calendar: WorkdayCalendar) -> int:
        today = clock.today()
        return sum([await redate_estimated(session, calendar, today, kind) for kind in kinds])

    return redate
