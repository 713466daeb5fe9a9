"""calendar.year_replaced in the registration service: the year is stored, estimated deadlines re-counted."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from httpx import AsyncClient
from sqlalchemy import select, update

from registration_svc.models import platform
from registration_svc.registration.models import Registration
from registration_svc.registration.tasks import decision_redater, redate_estimated_decisions
from shared.calendar import default_calendar
from shared.calendar_store import calendar_year_handler
from shared.clock import Clock
from shared.db import Database
from shared.events import CalendarYearReplaced, EventEnvelope, EventType
from tests.registration_svc.registration_support import application, caseworker, id_number

URL = "/api/v1/registrations"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 2026-11-20 plus 2 working days (Shaoguan's registration_online_workdays) is Tuesday 2026-11-24.
APPLIED_AT = "2026-11-20T10:00:00+08:00"
DUE = date(2026, 11, 24)


async def pending(client: AsyncClient, sequence: int) -> str:
    body = application(id_number(date(1987, 7, 7), sequence=sequence), channel="online", applied_at=APPLIED_AT)
    created = await client.post(URL, json=body, headers=caseworker())
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    assert data["status"] == "pending_verification" and data["decision_due"] == DUE.isoformat()
    return str(data["id"])


async def pretend_estimated(database: Database, registration_id: str, due: date, *, overdue: bool) -> None:
    """Makes a registration look as if counted while a year of its period was unknown to the calendar."""
    async with database.transaction() as session:
        await session.execute(
            update(Registration).where(Registration.id == uuid.UUID(registration_id))
            .values(deadline_estimated=True, decision_due=due, overdue=overdue,
                    overdue_flagged_at=datetime.now(UTC) if overdue else None)
        )


async def stored(database: Database, registration_id: str) -> Registration:
    async with database.transaction() as session:
        found = (await session.execute(
            select(Registration).where(Registration.id == uuid.UUID(registration_id))
        )).scalar_one()
        return found


def year_replaced(year: int) -> EventEnvelope:
    payload = CalendarYearReplaced(
        year=year, holidays={f"{year}-01-01": "元旦"}, makeup_workdays={}, source="test arrangement",
        updated_by="admin-1",
    )
    return EventEnvelope(
        id=uuid.uuid4(), type=EventType.CALENDAR_YEAR_REPLACED, source="subsidy",
        occurred_at=datetime.now(UTC), payload=payload.model_dump(mode="json"),
    )


class TestYearReplaced:
    async def test_stores_the_year_and_recounts_only_estimated_pending_deadlines(
        self, client: AsyncClient, database: Database
    ) -> None:
        estimated, exact = await pending(client, 401), await pending(client, 402)
        await pretend_estimated(database, estimated, date(2026, 11, 23), overdue=False)
        exact_before = await stored(database, exact)

        handler = calendar_year_handler(platform.calendar_year, decision_redater(Clock()))
        async with database.transaction() as session:
            await handler(session, year_replaced(2031))

        async with database.transaction() as session:
            years = (await session.execute(select(platform.calendar_year.c.year))).scalars().all()
        assert 2031 in years
        redated = await stored(database, estimated)
        assert (redated.decision_due, redated.deadline_estimated) == (DUE, False)
        exact_after = await stored(database, exact)
        assert exact_after.updated_at == exact_before.updated_at and exact_after.decision_due == DUE

    async def test_an_overdue_flag_goes_when_the_new_due_date_has_not_passed(
        self, client: AsyncClient, database: Database
    ) -> None:
        moved, passed = await pending(client, 403), await pending(client, 404)
        await pretend_estimated(database, moved, date(2026, 11, 23), overdue=True)
        await pretend_estimated(database, passed, date(2026, 11, 23), overdue=True)
        async with database.transaction() as session:
            # Checked on the new due date itself: not yet overdue.
            on_due_day = datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)
            assert await redate_estimated_decisions(session, default_calendar(), SHANGHAI, on_due_day) == 2
        assert (await stored(database, moved)).overdue is False
        # Re-counted again a day after the due date, a still-overdue registration keeps its flag.
        await pretend_estimated(database, passed, date(2026, 11, 23), overdue=True)
        async with database.transaction() as session:
            day_after = datetime(2026, 11, 25, 9, tzinfo=SHANGHAI)
            assert await redate_estimated_decisions(session, default_calendar(), SHANGHAI, day_after) == 1
        still = await stored(database, passed)
        assert still.overdue is True and (still.decision_due, still.deadline_estimated) == (DUE, False)
