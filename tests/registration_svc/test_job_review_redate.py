"""JOB-REVIEW due dates counted into a year the calendar did not know are estimated, and re-counted when the
year's holiday arrangement arrives (calendar.year_replaced), for job seekers and vacancies alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient

from registration_svc.job_seeker import tasks as job_seeker_tasks
from registration_svc.models import platform
from registration_svc.vacancy import tasks as vacancy_tasks
from shared.calendar_store import calendar_year_handler
from shared.clock import Clock
from shared.db import Database
from shared.deadlines import deadline_redater
from shared.events import CalendarYearReplaced, EventEnvelope, EventType
from tests.registration_svc.job_support import SHANGHAI, employer, job_seeker_body, vacancy_body
from tests.registration_svc.registration_support import caseworker, client

__all__ = ["client"]

# Thursday 31 December 2026: one working day later lies in 2027, which the bundled calendar does not know.
NEW_YEARS_EVE = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)


def year_2027() -> EventEnvelope:
    payload = CalendarYearReplaced(year=2027, holidays={"2027-01-01": "元旦", "2027-01-04": "元旦（试验安排）"},
                                   makeup_workdays={}, source="test arrangement", updated_by="admin-1")
    return EventEnvelope(id=uuid.uuid4(), type=EventType.CALENDAR_YEAR_REPLACED, source="subsidy",
                         occurred_at=datetime.now(UTC), payload=payload.model_dump(mode="json"))


class TestRedate:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(NEW_YEARS_EVE)

    async def test_estimated_review_dates_are_recounted(self, client: AsyncClient, database: Database) -> None:
        seeker = (await client.post("/api/v1/job-seekers", json=job_seeker_body(), headers=caseworker())).json()
        vacancy = (await client.post("/api/v1/vacancies", json=vacancy_body(valid_until="2027-03-31"),
                                     headers=employer())).json()
        for created in (seeker, vacancy):
            # Estimated from the statutory holidays (New Year's Day, Friday 1 January 2027): Monday 4 January.
            assert created["review_due"] == "2027-01-04" and created["review_deadline"]["estimated"] is True

        handler = calendar_year_handler(
            platform.calendar_year,
            deadline_redater(Clock.fixed(NEW_YEARS_EVE), job_seeker_tasks.stored_review_deadlines(),
                             vacancy_tasks.stored_review_deadlines()),
        )
        async with database.transaction() as session:
            await handler(session, year_2027())

        # The test arrangement also gives Monday 4 January off: the next working day is Tuesday 5 January, no
        # longer estimated.
        for path in (f"/api/v1/job-seekers/{seeker['id']}", f"/api/v1/vacancies/{vacancy['id']}"):
            view = (await client.get(path, headers=caseworker())).json()
            assert view["review_due"] == "2027-01-05" and view["review_deadline"]["estimated"] is False
