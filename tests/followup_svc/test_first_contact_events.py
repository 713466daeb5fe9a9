"""registration.created / registration.deregistered consumed by the followup service (FU-CONTACT)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from followup_svc.first_contact.tasks import registration_handlers
from followup_svc.models import FirstContactTask, platform
from shared.calendar import default_calendar
from shared.db import Database
from shared.events import EventType
from shared.outbox import EventHandler, consume_event
from shared.policy import default_registry
from tests.followup_svc.helpers import created, deregistered, envelope

HANDLERS = registration_handlers(default_registry(), default_calendar, "Asia/Shanghai")


async def consume(database: Database, body: dict[str, object], handlers: dict[str, EventHandler] | None = None) -> bool:
    return await consume_event(database, platform.processed_event, body, handlers or dict(HANDLERS))


async def task_of(database: Database, registration_id: uuid.UUID) -> FirstContactTask | None:
    async with database.transaction() as session:
        return (
            await session.execute(select(FirstContactTask).where(FirstContactTask.registration_id == registration_id))
        ).scalar_one_or_none()


async def count_tasks(database: Database, registration_id: uuid.UUID) -> int:
    async with database.transaction() as session:
        stmt = select(func.count()).where(FirstContactTask.registration_id == registration_id)
        return int((await session.execute(stmt)).scalar_one())


class TestRegistrationCreated:
    async def test_creates_open_task_due_five_working_days_later(self, database: Database) -> None:
        event = created(registered_on=date(2026, 9, 28), region="440203001")
        assert await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        task = await task_of(database, event.registration_id)
        assert task is not None
        assert (task.status, task.registered_on, task.due_on) == ("open", date(2026, 9, 28), date(2026, 10, 10))
        assert (task.due_workdays, task.due_estimated) == (5, False)
        assert (task.person_id, task.agency_region_code) == (event.person_id, "440203001")

    async def test_without_registered_on_counts_from_applied_at_in_shanghai(self, database: Database) -> None:
        # Sun 2026-11-22 17:00 UTC is Mon 2026-11-23 01:00 in Shanghai.
        event = created(applied_at=datetime(2026, 11, 22, 17, 0, tzinfo=UTC))
        await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        task = await task_of(database, event.registration_id)
        assert task is not None and (task.registered_on, task.due_on) == (date(2026, 11, 23), date(2026, 11, 30))

    async def test_same_event_twice_runs_once(self, database: Database) -> None:
        event = created(registered_on=date(2026, 11, 16))
        body = envelope(EventType.REGISTRATION_CREATED, event)
        assert await consume(database, body) is True
        assert await consume(database, body) is False
        assert await count_tasks(database, event.registration_id) == 1

    async def test_two_events_for_one_registration_keep_one_task(self, database: Database) -> None:
        event = created(registered_on=date(2026, 11, 16))
        await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        later = event.model_copy(update={"registered_on": date(2026, 11, 20)})
        assert await consume(database, envelope(EventType.REGISTRATION_CREATED, later)) is True
        task = await task_of(database, event.registration_id)
        assert task is not None and task.registered_on == date(2026, 11, 16)
        assert await count_tasks(database, event.registration_id) == 1


class TestRegistrationDeregistered:
    async def test_cancels_the_open_task(self, database: Database) -> None:
        event = created(registered_on=date(2026, 11, 16))
        await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        await consume(database, envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event)))
        task = await task_of(database, event.registration_id)
        assert task is not None and task.status == "cancelled" and task.cancelled_at is not None

    async def test_done_task_stays_done(self, database: Database) -> None:
        event = created(registered_on=date(2026, 11, 16))
        await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        async with database.transaction() as session:
            task = (
                await session.execute(
                    select(FirstContactTask).where(FirstContactTask.registration_id == event.registration_id)
                )
            ).scalar_one()
            task.status, task.method, task.contacted_on = "done", "phone", date(2026, 11, 18)
            task.completed_at, task.completed_by, task.outcome = datetime.now(UTC), "cw", "reached"
        await consume(database, envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event)))
        after = await task_of(database, event.registration_id)
        assert after is not None and after.status == "done" and after.cancelled_at is None

    async def test_deregistration_overtaking_creation_leaves_a_cancelled_task(self, database: Database) -> None:
        event = created(registered_on=date(2026, 11, 16))
        await consume(database, envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event)))
        assert await task_of(database, event.registration_id) is None
        await consume(database, envelope(EventType.REGISTRATION_CREATED, event))
        task = await task_of(database, event.registration_id)
        assert task is not None and task.status == "cancelled" and task.due_on == date(2026, 11, 23)


class TestUnknownEvent:
    async def test_is_recorded_and_ignored(self, database: Database) -> None:
        body = envelope(EventType.REGISTRATION_CREATED, created())
        body["type"] = "registration.something_new"
        assert await consume(database, body) is True
        assert await consume(database, body) is False
