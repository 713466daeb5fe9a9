"""Job-seeker registration (求职登记): identity verified as for unemployment registration, review within
JOB-REVIEW's one working day, overdue flagged, lists in scope."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from registration_svc.job_seeker.models import JobSeeker
from registration_svc.job_seeker.rules import review_deadline, review_timeliness
from registration_svc.job_seeker.tasks import flag_overdue
from shared.calendar import default_calendar
from shared.clock import Clock
from shared.db import Database
from tests.registration_svc.job_support import (
    FRIDAY,
    SHANGHAI,
    MovableClock,
    citizen,
    employer,
    job_seeker_body,
)
from tests.registration_svc.registration_support import caseworker, client, id_number, rules_of
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/job-seekers"


async def job_seeker_count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(JobSeeker))).scalar_one())


class TestReviewRule:
    """JOB-REVIEW as a plain function: one working day after the registration date (T-WORKDAY)."""

    def test_friday_is_due_monday_and_a_review_that_day_is_on_time(self) -> None:
        deadline = review_deadline(date(2026, 11, 27), 1, "001 §四(二)4", default_calendar())
        assert deadline.due_on == date(2026, 11, 30) and deadline.rule == "JOB-REVIEW"
        assert review_timeliness(deadline, date(2026, 11, 30)).met
        late = review_timeliness(deadline, date(2026, 12, 1))
        assert not late.met and "2026-11-30" in late.reason and "超期" in late.reason_zh
        assert late.source == "《韶关市登记失业人员跟踪服务工作方案》四(二)4"

    def test_national_day_holiday_is_skipped(self) -> None:
        # 30 September 2026 (Wed): 1-7 October are holidays, so one working day later is 8 October.
        assert review_deadline(date(2026, 9, 30), 1, "s", default_calendar()).due_on == date(2026, 10, 8)


class TestRegister:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_caseworker_registers_pending_review_due_next_working_day(self, client: AsyncClient) -> None:
        response = await client.post(URL, json=job_seeker_body(), headers=caseworker())
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["status"] == "pending_review" and data["review_due"] == "2026-11-30"
        assert data["applied_on"] == "2026-11-27" and data["overdue"] is False
        assert data["review_deadline"]["rule"] == "JOB-REVIEW" and data["review_deadline"]["workdays"] == 1
        assert data["review_deadline"]["source"] == "《韶关市登记失业人员跟踪服务工作方案》四(二)4"
        assert data["intentions"]["occupation_codes"] == ["4-02-01-01"] and "forklift" in data["skills"]
        assert "*" in data["id_number"]
        # The person is the registry's person of that identity number.
        person = await client.get(f"/api/v1/persons/{data['person_id']}", headers=caseworker())
        assert person.status_code == 200 and person.json()["name"] == "李四"
        assert data["person_notes"] == []

    async def test_an_existing_persons_identity_is_kept_and_contact_updated(self, client: AsyncClient) -> None:
        number = id_number(date(1992, 3, 4), 345)
        first = (await client.post(URL, json=job_seeker_body(number), headers=caseworker())).json()
        await client.post(f"{URL}/{first['id']}/review", json={"decision": "reject", "reason": "资料不全"},
                          headers=caseworker())
        again = job_seeker_body(number)
        again["person"] |= {"name": "李四四", "phone": "13911111111"}
        second = await client.post(URL, json=again, headers=caseworker())
        assert second.status_code == 201, second.text
        data = second.json()
        assert data["person_id"] == first["person_id"] and data["name"] == "李四"
        assert {(n["field"], n["action"]) for n in data["person_notes"]} == {("name", "kept"), ("phone", "updated")}

    async def test_citizen_registers_themselves_but_nobody_else(
        self, client: AsyncClient, database: Database
    ) -> None:
        own = id_number(date(1995, 1, 2), 111)
        assert (await client.post(URL, json=job_seeker_body(own), headers=citizen(own))).status_code == 201
        other = id_number(date(1995, 1, 3), 113)
        refused = await client.post(URL, json=job_seeker_body(other), headers=citizen(own))
        assert refused.status_code == 403 and refused.json()["code"] == "auth.forbidden"
        assert await job_seeker_count(database) == 1

    async def test_staff_of_another_region_and_employers_may_not_register(
        self, client: AsyncClient, database: Database
    ) -> None:
        for headers in (caseworker(region="440204"), caseworker(region="62"), employer()):
            response = await client.post(URL, json=job_seeker_body(), headers=headers)
            assert response.status_code == 403, response.text
        assert await job_seeker_count(database) == 0

    async def test_identity_is_verified_as_for_registration(self, client: AsyncClient, database: Database) -> None:
        good = id_number(date(1992, 3, 4), 345)
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        response = await client.post(URL, json=job_seeker_body(bad), headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "person.invalid_identity"
        assert "REG-ID" in rules_of(response.json())
        assert await job_seeker_count(database) == 0

    async def test_unknown_regions_are_refused(self, client: AsyncClient, database: Database) -> None:
        body = job_seeker_body(intentions={"region_codes": ["449999"]})
        response = await client.post(URL, json=body, headers=caseworker())
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "job_seeker.invalid" and rules_of(response.json()) == ["T-REGION"]
        assert response.json()["violations"][0]["field"] == "intentions.region_codes.0"
        assert await job_seeker_count(database) == 0

    async def test_malformed_occupation_or_no_occupation_is_422(self, client: AsyncClient) -> None:
        for intentions in ({"occupation_codes": ["forklift driver"]}, {"occupation_codes": []}):
            response = await client.post(URL, json=job_seeker_body(intentions=intentions), headers=caseworker())
            assert response.status_code == 422 and response.json()["code"] == "request.invalid"

    async def test_a_second_registration_while_one_is_valid_is_409(self, client: AsyncClient) -> None:
        first = await client.post(URL, json=job_seeker_body(), headers=caseworker())
        second = await client.post(URL, json=job_seeker_body(), headers=caseworker())
        assert second.status_code == 409 and second.json()["code"] == "job_seeker.duplicate"
        assert first.json()["id"] in second.json()["detail"]


class TestReview:
    @pytest.fixture
    def movable(self) -> MovableClock:
        return MovableClock(FRIDAY)

    @pytest.fixture
    def clock(self, movable: MovableClock) -> Clock:
        return movable.clock

    async def _pending(self, client: AsyncClient) -> str:
        response = await client.post(URL, json=job_seeker_body(), headers=caseworker())
        assert response.status_code == 201
        return str(response.json()["id"])

    async def test_publish_on_the_due_date_is_on_time(self, client: AsyncClient, movable: MovableClock) -> None:
        job_seeker_id = await self._pending(client)
        movable.at = datetime(2026, 11, 30, 17, 0, tzinfo=SHANGHAI)
        response = await client.post(f"{URL}/{job_seeker_id}/review", json={"decision": "publish"},
                                     headers=bearer("reviewer", "440203", "rv-1"))
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["status"] == "published" and data["reviewed_on"] == "2026-11-30"
        assert data["reviewed_by"] == "rv-1" and data["overdue"] is False
        assert "within 1 working day" in data["review_deadline"]["reason"]

    async def test_a_late_review_is_recorded_and_flagged_overdue(
        self, client: AsyncClient, movable: MovableClock
    ) -> None:
        job_seeker_id = await self._pending(client)
        movable.at = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
        response = await client.post(f"{URL}/{job_seeker_id}/review",
                                     json={"decision": "reject", "reason": "无法核实工作经历"}, headers=caseworker())
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["status"] == "rejected" and data["review_reason"] == "无法核实工作经历"
        assert data["overdue"] is True and "recorded late" in data["review_deadline"]["reason"]

    async def test_a_rejection_needs_a_reason(self, client: AsyncClient) -> None:
        job_seeker_id = await self._pending(client)
        response = await client.post(f"{URL}/{job_seeker_id}/review", json={"decision": "reject"},
                                     headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "request.invalid"
        still = await client.get(f"{URL}/{job_seeker_id}", headers=caseworker())
        assert still.json()["status"] == "pending_review"

    async def test_reviewing_twice_is_a_conflict(self, client: AsyncClient) -> None:
        job_seeker_id = await self._pending(client)
        url = f"{URL}/{job_seeker_id}/review"
        assert (await client.post(url, json={"decision": "publish"}, headers=caseworker())).status_code == 200
        again = await client.post(url, json={"decision": "reject", "reason": "x"}, headers=caseworker())
        assert again.status_code == 409 and again.json()["code"] == "job_seeker.not_pending"

    async def test_other_region_citizens_and_employers_may_not_review(self, client: AsyncClient) -> None:
        job_seeker_id = await self._pending(client)
        url = f"{URL}/{job_seeker_id}/review"
        number = id_number(date(1992, 3, 4), 345)
        for headers in (caseworker(region="440204"), citizen(number), employer()):
            response = await client.post(url, json={"decision": "publish"}, headers=headers)
            assert response.status_code == 403, response.text
        assert (await client.get(f"{URL}/{job_seeker_id}", headers=caseworker())).json()["status"] == "pending_review"


class TestOverdueJob:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_flagged_from_the_day_after_the_due_date_once(
        self, client: AsyncClient, database: Database
    ) -> None:
        waiting = (await client.post(URL, json=job_seeker_body(), headers=caseworker())).json()
        reviewed_number = id_number(date(1993, 6, 7), 567)
        reviewed = (await client.post(URL, json=job_seeker_body(reviewed_number), headers=caseworker())).json()
        await client.post(f"{URL}/{reviewed['id']}/review", json={"decision": "publish"}, headers=caseworker())
        async with database.transaction() as session:
            # 23:59 on Monday 30 November in Beijing is still the due date; 00:30 on Tuesday is not.
            assert await flag_overdue(session, datetime(2026, 11, 30, 15, 59, tzinfo=UTC), SHANGHAI) == 0
            assert await flag_overdue(session, datetime(2026, 11, 30, 16, 30, tzinfo=UTC), SHANGHAI) == 1
            assert await flag_overdue(session, datetime(2026, 12, 2, 1, 0, tzinfo=UTC), SHANGHAI) == 0
        listed = await client.get(URL, params={"overdue": "true"}, headers=caseworker())
        assert [item["id"] for item in listed.json()["items"]] == [waiting["id"]]


class TestList:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_scope_and_filters(self, client: AsyncClient) -> None:
        own = id_number(date(1995, 1, 2), 111)
        mine = (await client.post(URL, json=job_seeker_body(own), headers=citizen(own))).json()
        other = (await client.post(URL, json=job_seeker_body(), headers=caseworker())).json()
        await client.post(f"{URL}/{other['id']}/review", json={"decision": "publish"}, headers=caseworker())

        staff = await client.get(URL, headers=caseworker())
        assert {item["id"] for item in staff.json()["items"]} == {mine["id"], other["id"]}
        published = await client.get(URL, params={"status": "published"}, headers=caseworker())
        assert [item["id"] for item in published.json()["items"]] == [other["id"]]
        by_person = await client.get(URL, params={"person_id": mine["person_id"]}, headers=caseworker())
        assert [item["id"] for item in by_person.json()["items"]] == [mine["id"]]
        citizen_view = await client.get(URL, headers=citizen(own))
        assert [item["id"] for item in citizen_view.json()["items"]] == [mine["id"]]
        assert (await client.get(f"{URL}/{other['id']}", headers=citizen(own))).status_code == 403

        elsewhere = await client.get(URL, headers=caseworker(region="440204"))
        assert elsewhere.status_code == 200 and elsewhere.json()["items"] == []
        assert (await client.get(URL, params={"region": "62"}, headers=caseworker())).status_code == 403
        assert (await client.get(URL, headers=employer())).status_code == 403
        assert (await client.get(f"{URL}/{other['id']}", headers=employer())).status_code == 403
