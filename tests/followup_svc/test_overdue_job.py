"""flag_overdue_first_contacts: open first contacts past due are logged for upward reporting (FU-CONTACT)."""

from __future__ import annotations

import logging
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from followup_svc.first_contact import repository
from followup_svc.first_contact.tasks import flag_overdue_first_contacts
from followup_svc.models import FirstContactTask
from shared.calendar import default_calendar
from shared.db import Database
from tests.followup_svc.helpers import task_row

TODAY = date(2026, 11, 24)  # a Tuesday


class TestFlagOverdue:
    async def test_only_open_tasks_due_before_today(self, database: Database, caplog: pytest.LogCaptureFixture) -> None:
        day_before = task_row(region="440281", due_on=date(2026, 11, 23))
        on_due_day = task_row(region="440281", due_on=TODAY)
        not_yet = task_row(region="440281", due_on=date(2026, 11, 25))
        done = task_row(region="440281", due_on=date(2026, 11, 20), status="cancelled")
        elsewhere = task_row(region="620102", due_on=date(2026, 11, 19))
        async with database.transaction() as session:
            session.add_all([day_before, on_due_day, not_yet, done, elsewhere])
        caplog.set_level(logging.INFO, logger="followup_svc.first_contact.tasks")
        counts = await flag_overdue_first_contacts(database, default_calendar(), TODAY)
        assert counts == {"440281": 1, "620102": 1}
        warned = {
            r.__dict__["task_id"]: r.__dict__ for r in caplog.records if r.getMessage() == "first contact overdue"
        }
        assert set(warned) == {str(day_before.id), str(elsewhere.id)}
        assert warned[str(day_before.id)]["rule"] == "FU-CONTACT"
        # Due Mon 23 Nov, today Tue 24 Nov: one working day late; Thu 19 Nov: Fri, Mon, Tue = 3.
        assert warned[str(day_before.id)]["workdays_overdue"] == 1
        assert warned[str(elsewhere.id)]["workdays_overdue"] == 3

    async def test_first_flag_day_is_kept(self, database: Database) -> None:
        task = task_row(region="440282", due_on=date(2026, 11, 20))
        async with database.transaction() as session:
            session.add(task)
        await flag_overdue_first_contacts(database, default_calendar(), date(2026, 11, 23))
        counts = await flag_overdue_first_contacts(database, default_calendar(), TODAY)
        assert counts.get("440282") == 1
        async with database.transaction() as session:
            flagged = (
                await session.execute(select(FirstContactTask.overdue_flagged_on).where(FirstContactTask.id == task.id))
            ).scalar_one()
        assert flagged == date(2026, 11, 23)


class TestAProvinceBacklog:
    async def test_more_overdue_tasks_than_one_statement_may_name(self, database: Database) -> None:
        """asyncpg refuses a statement of more than 32,767 parameters: 33,000 tasks are marked in slices."""
        tasks = [task_row(region="440233", due_on=date(2026, 11, 16)) for _ in range(3)]
        async with database.transaction() as session:
            session.add_all(tasks)
        ids = [uuid.uuid4() for _ in range(33_000 - len(tasks))] + [t.id for t in tasks]
        async with database.transaction() as session:
            await repository.mark_flagged(session, ids, TODAY)
        async with database.transaction() as session:
            flagged = await session.scalar(select(func.count()).where(
                FirstContactTask.agency_region_code == "440233", FirstContactTask.overdue_flagged_on == TODAY))
        assert flagged == len(tasks)
