"""calendar.year_replaced in the followup service: estimated FU-CONTACT due dates are re-counted."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from followup_svc.first_contact.tasks import first_contact_redater, redate_estimated_first_contacts
from followup_svc.models import FirstContactTask, platform
from shared.calendar import default_calendar
from shared.calendar_store import calendar_year_handler
from shared.clock import Clock
from shared.db import Database
from shared.events import CalendarYearReplaced, EventEnvelope, EventType
from tests.followup_svc.helpers import task_row

# Registered Mon 2026-11-16; the 5th working day after is Mon 2026-11-23.
DUE = date(2026, 11, 23)


def estimated(due_on: date, *, status: str = "open", flagged_on: date | None = None) -> FirstContactTask:
    """A task as if counted while a year of its period was unknown to the calendar."""
    task = task_row(due_on=due_on, status=status)
    task.due_estimated = True
    task.overdue_flagged_on = flagged_on
    return task


async def reload(database: Database, task: FirstContactTask) -> FirstContactTask:
    async with database.transaction() as session:
        found = (await session.execute(select(FirstContactTask).where(FirstContactTask.id == task.id))).scalar_one()
        return found


class TestRedate:
    async def test_the_year_handler_recounts_open_estimated_tasks_only(self, database: Database) -> None:
        open_task = estimated(date(2026, 11, 20))
        cancelled = estimated(date(2026, 11, 20), status="cancelled")
        exact = task_row(due_on=date(2026, 11, 20))
        async with database.transaction() as session:
            session.add_all([open_task, cancelled, exact])
        payload = CalendarYearReplaced(year=2031, holidays={"2031-01-01": "元旦"}, makeup_workdays={},
                                       source="test arrangement", updated_by="admin-1")
        envelope = EventEnvelope(id=uuid.uuid4(), type=EventType.CALENDAR_YEAR_REPLACED, source="subsidy",
                                 occurred_at=datetime.now(UTC), payload=payload.model_dump(mode="json"))
        handler = calendar_year_handler(platform.calendar_year, first_contact_redater(Clock()))
        async with database.transaction() as session:
            await handler(session, envelope)
        moved = await reload(database, open_task)
        assert (moved.due_on, moved.due_estimated) == (DUE, False)
        assert (await reload(database, cancelled)).due_on == date(2026, 11, 20)
        assert (await reload(database, exact)).due_on == date(2026, 11, 20)

    async def test_an_overdue_report_goes_only_if_the_new_due_date_has_not_passed(self, database: Database) -> None:
        early = estimated(date(2026, 11, 20), flagged_on=date(2026, 11, 21))
        late = estimated(date(2026, 11, 20), flagged_on=date(2026, 11, 21))
        async with database.transaction() as session:
            session.add(early)
            await session.flush()
            assert await redate_estimated_first_contacts(session, default_calendar(), DUE) == 1
        assert (await reload(database, early)).overdue_flagged_on is None
        async with database.transaction() as session:
            session.add(late)
            await session.flush()
            assert await redate_estimated_first_contacts(session, default_calendar(), date(2026, 11, 24)) == 1
        assert (await reload(database, late)).overdue_flagged_on == date(2026, 11, 21)
