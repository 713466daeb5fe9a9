"""The calendar API of the subsidy service (T-WORKDAY, T-PERIOD) on real PostgreSQL and Redis."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.subsidy.app import create_app
from shared.auth import Principal, Role
from shared.calendar import YearArrangement, default_calendar
from shared.calendar_store import CalendarHolder
from shared.db import Database
from shared.events import CalendarYearReplaced
from subsidy_svc.calendar import service
from subsidy_svc.config import Settings
from subsidy_svc.models import platform
from tests.support import bearer, running_app, service_settings

CASEWORKER = bearer("caseworker", "440203", "cw-1")
ADMIN = bearer("admin", "44", "admin-1")
FIRST_UNSEEDED_YEAR = max(default_calendar().known_years) + 1
# A year far from any chinesecalendar release; 2040-01-01 is a Sunday and 2040-01-07 a Saturday.
PUT_YEAR = 2040
ARRANGEMENT_2040: dict[str, Any] = {
    "holidays": [
        {"date": "2040-01-01", "name": "New Year's Day / 元旦"},
        {"date": "2040-01-02", "name": "New Year's Day / 元旦"},
        {"date": "2040-01-03", "name": "New Year's Day / 元旦"},
    ],
    "makeup_workdays": [{"date": "2040-01-07", "name": "New Year's Day / 元旦"}],
    "source": "国务院办公厅关于2040年部分节假日安排的通知 (test)",
    "published_on": "2039-11-12",
}


def assert_problem(response: Response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["detail"] and body["detail_zh"]
    if field is not None:
        assert field in [v["field"] for v in body["violations"]], body
    return body


class TestCalendarAuth:
    async def test_a_token_is_required(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/calendar/days/2026-10-01"), 401, "auth.unauthenticated")

    async def test_any_authenticated_role_may_read(self, client: AsyncClient) -> None:
        for role in ("citizen", "caseworker", "reviewer", "admin", "system"):
            response = await client.get("/api/v1/calendar/days/2026-10-01", headers=bearer(role, "44"))
            assert response.status_code == 200, role


class TestDays:
    async def day(self, client: AsyncClient, day: str) -> dict[str, Any]:
        response = await client.get(f"/api/v1/calendar/days/{day}", headers=CASEWORKER)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def test_national_day_is_a_holiday(self, client: AsyncClient) -> None:
        body = await self.day(client, "2026-10-01")
        assert body["workday"] is False and body["kind"] == "holiday" and body["estimated"] is False
        assert "国庆" in body["holiday_name"]
        assert body["explanation"]["rule"] == "T-WORKDAY" and "国务院办公厅" in body["explanation"]["source"]

    async def test_makeup_saturday_is_a_working_day(self, client: AsyncClient) -> None:
        body = await self.day(client, "2026-02-14")
        assert body == {**body, "workday": True, "kind": "makeup_workday", "estimated": False}
        assert "春节" in body["holiday_name"]

    async def test_plain_weekend_and_weekday(self, client: AsyncClient) -> None:
        assert (await self.day(client, "2026-10-11"))["kind"] == "weekend"
        assert (await self.day(client, "2026-10-09"))["kind"] == "workday"

    async def test_a_year_without_data_is_estimated(self, client: AsyncClient) -> None:
        body = await self.day(client, f"{FIRST_UNSEEDED_YEAR}-01-01")
        # 元旦 is a statutory holiday every year: estimated, but never a working day.
        assert body["estimated"] is True and body["kind"] == "holiday" and "元旦" in body["holiday_name"]
        assert "estimated" in body["explanation"]["reason"]
        ordinary = await self.day(client, f"{FIRST_UNSEEDED_YEAR}-03-10")
        assert ordinary["estimated"] is True and ordinary["holiday_name"] is None

    async def test_range_boundaries(self, client: AsyncClient) -> None:
        await self.day(client, "1949-01-01")
        await self.day(client, "2150-12-31")
        for outside in ("1948-12-31", "2151-01-01"):
            response = await client.get(f"/api/v1/calendar/days/{outside}", headers=CASEWORKER)
            body = assert_problem(response, 422, "calendar.out_of_range", "date")
            assert outside in body["detail"]

    async def test_invalid_dates_are_422_naming_the_field(self, client: AsyncClient) -> None:
        bad_dates = (
            "2026-02-30", "abc", "0", "1700000000", "2026-1-1", "2026-01-01T00:00:00", "２０２６-01-01",
        )
        for bad in bad_dates:
            response = await client.get(f"/api/v1/calendar/days/{quote(bad)}", headers=CASEWORKER)
            assert_problem(response, 422, "request.invalid", "date")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=st.text(max_size=30))
    async def test_random_strings_never_give_500(self, client: AsyncClient, text: str) -> None:
        response = await client.get(f"/api/v1/calendar/days/{quote(text, safe='')}", headers=CASEWORKER)
        # 307 is the router's trailing-slash redirect ("0/"): not an answer, but not a failure either.
        assert response.status_code in (200, 307, 404, 422), (text, response.text)
        if response.status_code in (404, 422):
            assert response.headers["content-type"] == "application/problem+json"

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(day=st.dates())
    async def test_any_date_is_answered_or_refused_as_out_of_range(
        self, client: AsyncClient, day: date
    ) -> None:
        response = await client.get(
            "/api/v1/calendar/add-workdays", params={"start": day.isoformat(), "days": 10}, headers=CASEWORKER
        )
        if date(1949, 1, 1) <= day <= date(2150, 11, 30):
            assert response.status_code == 200, response.text
        else:
            assert_problem(response, 422, "calendar.out_of_range", "start")


class TestAddWorkdays:
    async def add(self, client: AsyncClient, start: str, days: int | str) -> Response:
        return await client.get(
            "/api/v1/calendar/add-workdays", params={"start": start, "days": days}, headers=CASEWORKER
        )

    async def test_across_national_day(self, client: AsyncClient) -> None:
        # After Wed 30 Sep 2026: 1-7 Oct are holidays, Thu 8, Fri 9, Sat 10 (make-up) work.
        first = (await self.add(client, "2026-09-30", 1)).json()
        assert first["due"] == "2026-10-08" and first["estimated"] is False
        third = (await self.add(client, "2026-09-30", 3)).json()
        assert third == {**third, "start": "2026-09-30", "days": 3, "due": "2026-10-10"}
        assert "3rd working day" in third["explanation"]["reason"]
        assert "第 3 个工作日" in third["explanation"]["reason_zh"]

    async def test_zero_days_returns_start(self, client: AsyncClient) -> None:
        body = (await self.add(client, "2026-10-01", 0)).json()
        assert body["due"] == "2026-10-01"

    async def test_bounds_of_days(self, client: AsyncClient) -> None:
        assert (await self.add(client, "2026-01-05", 1000)).status_code == 200
        assert_problem(await self.add(client, "2026-01-05", 1001), 422, "request.invalid", "days")
        assert_problem(await self.add(client, "2026-01-05", -1), 422, "request.invalid", "days")
        assert_problem(await self.add(client, "2026-01-05", "x"), 422, "request.invalid", "days")

    async def test_bad_start(self, client: AsyncClient) -> None:
        assert_problem(await self.add(client, "2026-13-01", 1), 422, "request.invalid", "start")
        missing = await client.get("/api/v1/calendar/add-workdays", params={"days": 1}, headers=CASEWORKER)
        assert_problem(missing, 422, "request.invalid", "start")

    async def test_an_answer_beyond_the_range_is_422(self, client: AsyncClient) -> None:
        assert_problem(await self.add(client, "2150-12-01", 1000), 422, "calendar.out_of_range", "start")

    async def test_estimated_when_reaching_a_year_without_data(self, client: AsyncClient) -> None:
        last_year = FIRST_UNSEEDED_YEAR - 1
        inside = (await self.add(client, f"{last_year}-12-01", 5)).json()
        across = (await self.add(client, f"{last_year}-12-01", 40)).json()
        assert inside["estimated"] is False and across["estimated"] is True


class TestAddMonths:
    async def months(
        self, client: AsyncClient, start: str, months: int, shift: str | None = None
    ) -> Response:
        params: dict[str, str | int] = {"start": start, "months": months}
        if shift is not None:
            params["shift"] = shift
        return await client.get("/api/v1/calendar/add-months", params=params, headers=CASEWORKER)

    async def test_leap_day_plus_12_months(self, client: AsyncClient) -> None:
        body = (await self.months(client, "2024-02-29", 12)).json()
        assert body == {**body, "due": "2025-02-28", "estimated": False, "shift": "next_workday"}
        assert body["explanation"]["rule"] == "T-PERIOD" and "201" in body["explanation"]["source"]

    async def test_shift_off_national_day_by_default_and_not_with_none(self, client: AsyncClient) -> None:
        assert (await self.months(client, "2025-10-01", 12)).json()["due"] == "2026-10-08"
        unshifted = (await self.months(client, "2025-10-01", 12, "none")).json()
        assert unshifted["due"] == "2026-10-01" and unshifted["estimated"] is False

    async def test_bounds_and_bad_shift(self, client: AsyncClient) -> None:
        assert (await self.months(client, "2026-01-31", 0)).json()["due"] == "2026-02-02"  # Sat -> Mon
        assert (await self.months(client, "1949-01-01", 1200)).status_code == 200
        assert_problem(await self.months(client, "2026-01-01", 1201), 422, "request.invalid", "months")
        assert_problem(await self.months(client, "2026-01-01", -1), 422, "request.invalid", "months")
        assert_problem(await self.months(client, "2026-01-01", 1, "later"), 422, "request.invalid", "shift")
        assert_problem(
            await self.months(client, "2150-06-01", 12, "none"), 422, "calendar.out_of_range", "months"
        )
        assert_problem(await self.months(client, "2150-06-01", 12), 422, "calendar.out_of_range", "start")


class TestReadYear:
    async def test_seeded_and_estimated_years(self, client: AsyncClient) -> None:
        seeded = (await client.get("/api/v1/calendar/years/2026", headers=CASEWORKER)).json()
        assert seeded["status"] == "seeded" and seeded["estimated"] is False
        assert {"date": "2026-02-14", "name": "Spring Festival / 春节"} in seeded["makeup_workdays"]
        assert len(seeded["holidays"]) == len(default_calendar().arrangement(2026).holidays)  # type: ignore[union-attr]
        estimated = (await client.get(f"/api/v1/calendar/years/{PUT_YEAR}", headers=CASEWORKER)).json()
        assert estimated["status"] == "estimated" and estimated["holidays"] == []

    async def test_bad_years(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/calendar/years/1948", headers=CASEWORKER), 422,
                       "calendar.invalid_year", "year")
        assert_problem(await client.get("/api/v1/calendar/years/abc", headers=CASEWORKER), 422,
                       "request.invalid", "year")


class TestReplaceYearAccess:
    async def test_caseworker_and_reviewer_get_403(self, client: AsyncClient) -> None:
        for role in ("caseworker", "reviewer", "citizen"):
            response = await client.put(
                f"/api/v1/calendar/years/{PUT_YEAR}", json=ARRANGEMENT_2040, headers=bearer(role, "44")
            )
            assert_problem(response, 403, "auth.forbidden")

    async def test_without_token_401(self, client: AsyncClient) -> None:
        response = await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=ARRANGEMENT_2040)
        assert_problem(response, 401, "auth.unauthenticated")


class TestReplaceYearValidation:
    async def test_every_bad_entry_is_listed(self, client: AsyncClient, database: Database) -> None:
        body = {
            "holidays": [
                {"date": "2040-01-01", "name": "New Year"},
                {"date": "2041-01-01", "name": "next year"},
                {"date": "2040-01-01", "name": "again"},
            ],
            "makeup_workdays": [
                {"date": "2040-01-01", "name": "both"},
                {"date": "2040-01-09", "name": "a Monday"},
                {"date": "2040-01-07", "name": "fine Saturday"},
            ],
            "source": "test",
            "published_on": "2041-01-01",
        }
        response = await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=body, headers=ADMIN)
        problem = assert_problem(response, 422, "calendar.invalid_arrangement")
        fields = [(v["field"], v["rule"]) for v in problem["violations"]]
        assert ("holidays.1.date", "T-WORKDAY") in fields  # outside the year
        assert ("holidays.2.date", "T-WORKDAY") in fields  # listed twice
        assert ("makeup_workdays.0.date", "T-WORKDAY") in fields  # both (a Sunday, so only that)
        assert ("makeup_workdays.1.date", "T-WORKDAY") in fields  # weekday
        assert ("published_on", "T-WORKDAY") in fields
        assert all(f != "makeup_workdays.2.date" for f, _ in fields)
        messages = " ".join(v["message"] + v["message_zh"] for v in problem["violations"])
        assert "2041-01-01" in messages and "2040-01-09" in messages and "同时" in messages
        await self.assert_nothing_stored(client, database)

    async def test_empty_holidays_and_years_out_of_range(
        self, client: AsyncClient, database: Database
    ) -> None:
        empty = {**ARRANGEMENT_2040, "holidays": []}
        assert_problem(
            await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=empty, headers=ADMIN),
            422, "calendar.invalid_arrangement", "holidays",
        )
        for year in (2003, 2151):
            assert_problem(
                await client.put(f"/api/v1/calendar/years/{year}", json=ARRANGEMENT_2040, headers=ADMIN),
                422, "calendar.invalid_year", "year",
            )
        await self.assert_nothing_stored(client, database)

    async def test_malformed_bodies(self, client: AsyncClient) -> None:
        bad_date = {**ARRANGEMENT_2040, "holidays": [{"date": "2040-02-30", "name": "x"}]}
        assert_problem(
            await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=bad_date, headers=ADMIN),
            422, "request.invalid", "holidays.0.date",
        )
        unknown = {**ARRANGEMENT_2040, "colour": "red"}
        assert_problem(
            await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=unknown, headers=ADMIN),
            422, "request.invalid",
        )
        no_source = {k: v for k, v in ARRANGEMENT_2040.items() if k != "source"}
        assert_problem(
            await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=no_source, headers=ADMIN),
            422, "request.invalid", "source",
        )

    @staticmethod
    async def assert_nothing_stored(client: AsyncClient, database: Database) -> None:
        async with database.transaction() as session:
            stored = (await session.execute(select(platform.calendar_year))).all()
            events = (await session.execute(select(platform.outbox))).all()
        assert stored == [] and events == []
        after = await client.get(
            "/api/v1/calendar/add-workdays", params={"start": "2040-01-01", "days": 4}, headers=CASEWORKER
        )
        assert after.json()["estimated"] is True


class TestReplaceYear:
    async def add_4(self, client: AsyncClient) -> dict[str, Any]:
        response = await client.get(
            "/api/v1/calendar/add-workdays", params={"start": "2040-01-01", "days": 4}, headers=CASEWORKER
        )
        body: dict[str, Any] = response.json()
        return body

    async def test_the_same_process_answers_from_the_new_year_at_once(self, client: AsyncClient) -> None:
        before = await self.add_4(client)
        # Estimated: 元旦 (Sun 1 January) made up on Mon 2 January (补假); then Tue 3 .. Fri 6.
        assert before["due"] == "2040-01-06" and before["estimated"] is True
        response = await client.put(
            f"/api/v1/calendar/years/{PUT_YEAR}", json=ARRANGEMENT_2040, headers=ADMIN
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "admin_replaced" and body["estimated"] is False
        assert body["updated_by"] == "admin-1" and body["published_on"] == "2039-11-12"
        assert body["updated_at"].endswith("+08:00")
        after = await self.add_4(client)
        # 1-3 January are holidays: Wed 4, Thu 5, Fri 6, Sat 7 (make-up workday).
        assert after["due"] == "2040-01-07" and after["estimated"] is False
        day = (await client.get("/api/v1/calendar/days/2040-01-02", headers=CASEWORKER)).json()
        assert day["kind"] == "holiday" and day["holiday_name"] == "New Year's Day / 元旦"
        read = (await client.get(f"/api/v1/calendar/years/{PUT_YEAR}", headers=CASEWORKER)).json()
        assert read["status"] == "admin_replaced" and len(read["holidays"]) == 3

    async def test_stored_with_its_event_and_audit_in_one_transaction(
        self, client: AsyncClient, database: Database
    ) -> None:
        response = await client.put(
            f"/api/v1/calendar/years/{PUT_YEAR}",
            json=ARRANGEMENT_2040,
            headers=bearer("system", "44", "sys-1"),
        )
        assert response.status_code == 200, response.text
        request_id = response.headers["x-request-id"]
        async with database.transaction() as session:
            stored = (await session.execute(select(platform.calendar_year))).mappings().one()
            event = (
                await session.execute(
                    select(platform.outbox).where(platform.outbox.c.event_type == "calendar.year_replaced")
                )
            ).mappings().one()
            entry = (
                await session.execute(
                    select(platform.audit_log).where(platform.audit_log.c.action == "calendar.year_replace")
                )
            ).mappings().one()
        assert stored["year"] == PUT_YEAR and stored["updated_by"] == "sys-1"
        assert stored["published_on"] == date(2039, 11, 12)
        payload = CalendarYearReplaced.model_validate(event["payload"])
        assert payload.year == PUT_YEAR and payload.updated_by == "sys-1"
        assert payload.holidays == {d["date"]: d["name"] for d in ARRANGEMENT_2040["holidays"]}
        assert payload.makeup_workdays == {"2040-01-07": "New Year's Day / 元旦"}
        assert event["published_at"] is None
        assert entry["record_id"] == str(PUT_YEAR) and entry["actor"] == "sys-1"
        assert event["request_id"] == entry["request_id"] == request_id

    async def test_a_second_put_replaces_the_first(self, client: AsyncClient, database: Database) -> None:
        await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=ARRANGEMENT_2040, headers=ADMIN)
        fewer = {**ARRANGEMENT_2040, "holidays": ARRANGEMENT_2040["holidays"][:1], "makeup_workdays": []}
        response = await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=fewer, headers=ADMIN)
        assert response.status_code == 200
        # Only 1 January off now: Mon 2, Tue 3, Wed 4, Thu 5.
        assert (await self.add_4(client))["due"] == "2040-01-05"
        async with database.transaction() as session:
            events = (await session.execute(select(platform.outbox))).all()
        assert len(events) == 2

    async def test_a_new_process_loads_the_stored_year(
        self, client: AsyncClient, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        await client.put(f"/api/v1/calendar/years/{PUT_YEAR}", json=ARRANGEMENT_2040, headers=ADMIN)
        app_settings = service_settings(Settings, database_url, redis_url, queue_prefix)
        async with running_app(create_app, app_settings, database) as other:
            assert (await self.add_4(other))["due"] == "2040-01-07"


class TestCalendarSwapWaitsForTheCommit:
    """The in-process swap runs after the transaction's commit, and not at all when it fails."""

    @staticmethod
    def arrangement() -> YearArrangement:
        return YearArrangement(PUT_YEAR, {date(2040, 1, 2): "test"}, {}, "test")

    async def test_swapped_when_the_transaction_commits(self, database: Database) -> None:
        holder = CalendarHolder()
        async with database.transaction() as session:
            await service.replace_year(
                session, platform, Principal("admin", Role.ADMIN, "44"), self.arrangement(),
                published_on=None, holder=holder,
            )
            assert holder.calendar.arrangement(PUT_YEAR) is None
        assert holder.calendar.day(date(2040, 1, 2)).kind == "holiday"

    async def test_not_swapped_when_the_transaction_fails(self, database: Database) -> None:
        holder = CalendarHolder()
        with pytest.raises(RuntimeError):
            async with database.transaction() as session:
                await service.replace_year(
                    session, platform, Principal("admin", Role.ADMIN, "44"), self.arrangement(),
                    published_on=None, holder=holder,
                )
                raise RuntimeError("commit failed")
        assert holder.calendar.arrangement(PUT_YEAR) is None
