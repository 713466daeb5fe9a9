"""Vacancies (招聘登记): employers register their own, JOB-FAIR-HIRING and the form's rules refuse with
nothing saved, review before publication, closing, daily expiry, lists and the open pages for matching."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from registration_svc.vacancy.models import Vacancy
from registration_svc.vacancy.tasks import close_expired, flag_overdue
from shared.clock import Clock
from shared.db import Database
from tests.registration_svc.job_support import (
    ACME,
    FRIDAY,
    OTHER_EMPLOYER,
    SHANGHAI,
    MovableClock,
    citizen,
    employer,
    vacancy_body,
)
from tests.registration_svc.registration_support import caseworker, client, id_number, rules_of
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/vacancies"


async def vacancy_count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Vacancy))).scalar_one())


async def create(client: AsyncClient, body: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = await client.post(URL, json=body or vacancy_body(), headers=headers or employer())
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def publish(client: AsyncClient, vacancy_id: str) -> None:
    response = await client.post(f"{URL}/{vacancy_id}/review", json={"decision": "publish"}, headers=caseworker())
    assert response.status_code == 200, response.text


class TestCreate:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_employer_registers_its_own_vacancy_pending_review(self, client: AsyncClient) -> None:
        data = await create(client, vacancy_body(credit_code=ACME.lower()))
        assert data["status"] == "pending_review" and data["review_due"] == "2026-11-30"
        assert data["review_deadline"]["rule"] == "JOB-REVIEW"
        assert data["review_deadline"]["source"] == "本地经办做法（可配置）"
        assert data["employer"]["credit_code"] == ACME and data["requirements"]["skills"] == ["forklift"]

    async def test_caseworker_of_the_region_registers_for_an_employer(self, client: AsyncClient) -> None:
        data = await create(client, vacancy_body(credit_code=OTHER_EMPLOYER), caseworker())
        assert data["employer"]["credit_code"] == OTHER_EMPLOYER

    async def test_nobody_else_may_register(self, client: AsyncClient, database: Database) -> None:
        number = id_number(datetime(1990, 1, 1).date())
        for headers in (employer(OTHER_EMPLOYER), caseworker(region="440204"), citizen(number),
                        bearer("reviewer", "440203")):
            response = await client.post(URL, json=vacancy_body(), headers=headers)
            assert response.status_code == 403, response.text
        wrong_employer = await client.post(URL, json=vacancy_body(), headers=employer(OTHER_EMPLOYER))
        assert rules_of(wrong_employer.json()) == ["JOB-EMPLOYER"]
        assert await vacancy_count(database) == 0

    async def test_a_gender_requirement_is_refused_naming_the_article(
        self, client: AsyncClient, database: Database
    ) -> None:
        response = await client.post(URL, json=vacancy_body(requirements={"gender": "male"}), headers=employer())
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "vacancy.fair_hiring" and rules_of(problem) == ["JOB-FAIR-HIRING"]
        assert "arts. 26-27" in problem["violations"][0]["message"]
        assert "第二十七条" in problem["violations"][0]["message_zh"]
        assert await vacancy_count(database) == 0

    async def test_hukou_ethnicity_and_words_in_the_title(self, client: AsyncClient) -> None:
        body = vacancy_body(title="仓管员（限男性）", requirements={"hukou": "本地户口", "ethnicity": "汉族"})
        problem = (await client.post(URL, json=body, headers=employer())).json()
        assert problem["code"] == "vacancy.fair_hiring"
        assert {v["field"] for v in problem["violations"]} == {
            "title", "requirements.hukou", "requirements.ethnicity"}

    async def test_upside_down_wages_and_no_positions_are_refused(
        self, client: AsyncClient, database: Database
    ) -> None:
        body = vacancy_body(monthly_wage_min_fen=600_001, monthly_wage_max_fen=600_000, positions=0)
        response = await client.post(URL, json=body, headers=employer())
        assert response.status_code == 422 and response.json()["code"] == "vacancy.invalid"
        assert rules_of(response.json()) == ["JOB-POSITIONS", "JOB-WAGE-RANGE"]
        equal = vacancy_body(monthly_wage_min_fen=600_000, monthly_wage_max_fen=600_000, positions=1)
        assert (await client.post(URL, json=equal, headers=employer())).status_code == 201
        assert await vacancy_count(database) == 1

    async def test_unfair_and_invalid_together_report_both(self, client: AsyncClient) -> None:
        body = vacancy_body(positions=0, requirements={"gender": "female"}, valid_until="2026-11-26")
        problem = (await client.post(URL, json=body, headers=employer())).json()
        assert problem["code"] == "vacancy.fair_hiring"
        assert rules_of(problem) == ["JOB-FAIR-HIRING", "JOB-POSITIONS", "JOB-VALID-UNTIL"]

    async def test_a_bad_credit_code_or_region_is_refused_for_a_caseworker(self, client: AsyncClient) -> None:
        body = vacancy_body(credit_code="91440300708461136X", employer={"region_code": "449999"})
        problem = (await client.post(URL, json=body, headers=caseworker())).json()
        assert problem["code"] == "vacancy.invalid" and rules_of(problem) == ["JOB-EMPLOYER", "T-REGION"]

    async def test_schema_errors_are_422_not_500(self, client: AsyncClient) -> None:
        for changes in ({"positions": "many"}, {"monthly_wage_min_fen": -1}, {"occupation_code": "driver"},
                        {"requirements": {"min_age": 15}}, {"positions": 10**12}):
            response = await client.post(URL, json=vacancy_body(**changes), headers=employer())
            assert response.status_code == 422 and response.json()["code"] == "request.invalid", changes


class TestReviewAndClose:
    @pytest.fixture
    def movable(self) -> MovableClock:
        return MovableClock(FRIDAY)

    @pytest.fixture
    def clock(self, movable: MovableClock) -> Clock:
        return movable.clock

    async def test_caseworker_publishes_and_employer_cannot_review(self, client: AsyncClient) -> None:
        vacancy = await create(client)
        url = f"{URL}/{vacancy['id']}/review"
        for headers in (employer(), caseworker(region="440204")):
            assert (await client.post(url, json={"decision": "publish"}, headers=headers)).status_code == 403
        published = await client.post(url, json={"decision": "publish"}, headers=caseworker())
        assert published.status_code == 200 and published.json()["status"] == "published"
        again = await client.post(url, json={"decision": "publish"}, headers=caseworker())
        assert again.status_code == 409 and again.json()["code"] == "vacancy.not_pending"

    async def test_an_expired_vacancy_cannot_be_published(
        self, client: AsyncClient, movable: MovableClock
    ) -> None:
        vacancy = await create(client, vacancy_body(valid_until="2026-11-28"))
        movable.at = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
        response = await client.post(f"{URL}/{vacancy['id']}/review", json={"decision": "publish"},
                                     headers=caseworker())
        assert response.status_code == 422 and rules_of(response.json()) == ["JOB-VALID-UNTIL"]
        late = await client.post(f"{URL}/{vacancy['id']}/review", json={"decision": "reject", "reason": "过期"},
                                 headers=caseworker())
        assert late.json()["status"] == "rejected" and late.json()["overdue"] is False

    async def test_employer_closes_its_own_but_not_another_employers(self, client: AsyncClient) -> None:
        vacancy = await create(client)
        await publish(client, vacancy["id"])
        url = f"{URL}/{vacancy['id']}/close"
        other = await client.post(url, json={"reason": "filled"}, headers=employer(OTHER_EMPLOYER))
        assert other.status_code == 403 and rules_of(other.json()) == ["JOB-EMPLOYER"]
        view = await client.get(f"{URL}/{vacancy['id']}", headers=employer(OTHER_EMPLOYER))
        assert view.json()["status"] == "published"
        closed = await client.post(url, json={"reason": "filled"}, headers=employer())
        assert closed.status_code == 200
        assert closed.json()["status"] == "closed" and closed.json()["close_reason"] == "filled"
        twice = await client.post(url, json={"reason": "withdrawn"}, headers=caseworker())
        assert twice.status_code == 409 and twice.json()["code"] == "vacancy.closed"

    async def test_an_unknown_vacancy_is_the_same_403(self, client: AsyncClient) -> None:
        url = f"{URL}/00000000-0000-4000-8000-000000000000/close"
        response = await client.post(url, json={"reason": "filled"}, headers=employer())
        assert response.status_code == 403 and rules_of(response.json()) == ["JOB-EMPLOYER"]


class TestDailyJobs:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_expired_vacancies_close_the_day_after_valid_until(
        self, client: AsyncClient, database: Database
    ) -> None:
        short = await create(client, vacancy_body(valid_until="2026-11-28"))
        long = await create(client, vacancy_body(valid_until="2026-12-31"))
        for vacancy in (short, long):
            await publish(client, vacancy["id"])
        async with database.transaction() as session:
            assert await close_expired(session, datetime(2026, 11, 28, 15, 59, tzinfo=UTC), SHANGHAI) == 0
            assert await close_expired(session, datetime(2026, 11, 28, 16, 1, tzinfo=UTC), SHANGHAI) == 1
            assert await close_expired(session, datetime(2026, 11, 29, 16, 1, tzinfo=UTC), SHANGHAI) == 0
        view = (await client.get(f"{URL}/{short['id']}", headers=caseworker())).json()
        assert (view["status"], view["close_reason"], view["closed_on"]) == ("closed", "expired", "2026-11-29")
        assert (await client.get(f"{URL}/{long['id']}", headers=caseworker())).json()["status"] == "published"

    async def test_reviews_overdue_are_flagged_once(self, client: AsyncClient, database: Database) -> None:
        waiting = await create(client)
        async with database.transaction() as session:
            assert await flag_overdue(session, datetime(2026, 11, 30, 15, 0, tzinfo=UTC), SHANGHAI) == 0
            assert await flag_overdue(session, datetime(2026, 11, 30, 16, 30, tzinfo=UTC), SHANGHAI) == 1
            assert await flag_overdue(session, datetime(2026, 12, 1, 16, 30, tzinfo=UTC), SHANGHAI) == 0
        overdue = await client.get(URL, params={"overdue": "true"}, headers=caseworker())
        assert [v["id"] for v in overdue.json()["items"]] == [waiting["id"]]


class TestListAndOpen:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_who_sees_what(self, client: AsyncClient) -> None:
        pending_acme = await create(client)
        published_other = await create(client, vacancy_body(credit_code=OTHER_EMPLOYER, occupation_code="6-31-01"),
                                       caseworker())
        await publish(client, published_other["id"])

        def ids(response: Any) -> set[str]:
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        number = id_number(datetime(1990, 1, 1).date())
        assert ids(await client.get(URL, headers=citizen(number))) == {published_other["id"]}
        assert ids(await client.get(URL, headers=employer())) == {pending_acme["id"], published_other["id"]}
        assert ids(await client.get(URL, headers=employer(OTHER_EMPLOYER))) == {published_other["id"]}
        assert ids(await client.get(URL, headers=caseworker())) == {pending_acme["id"], published_other["id"]}
        assert ids(await client.get(URL, headers=caseworker(region="62"))) == {published_other["id"]}
        hidden = await client.get(f"{URL}/{pending_acme['id']}", headers=employer(OTHER_EMPLOYER))
        assert hidden.status_code == 403
        by_group = await client.get(URL, params={"occupation_code": "4-02"}, headers=caseworker())
        assert ids(by_group) == {pending_acme["id"]}
        assert ids(await client.get(URL, params={"status": "published"}, headers=caseworker())) == {
            published_other["id"]}
        assert ids(await client.get(URL, params={"region": "62"}, headers=caseworker())) == set()
        for bad in ({"occupation_code": "driver"}, {"region": "4a"}, {"status": "open"}, {"limit": 0}):
            response = await client.get(URL, params=bad, headers=caseworker())
            assert response.status_code == 422 and response.json()["code"] == "request.invalid", bad

    async def test_open_pages_for_matching(self, client: AsyncClient) -> None:
        created = [await create(client) for _ in range(3)]
        for vacancy in created[:2]:
            await publish(client, vacancy["id"])
        system = bearer("system", "44", "followup-service")
        first = await client.get(f"{URL}/open", params={"limit": 1}, headers=system)
        assert first.status_code == 200 and first.json()["next_cursor"]
        second = await client.get(f"{URL}/open", params={"limit": 1, "cursor": first.json()["next_cursor"]},
                                  headers=system)
        # Oldest first, ties (one clock instant) by id: the keyset order of the page.
        in_order = sorted(created[:2], key=lambda v: (v["created_at"], v["id"]))
        assert [first.json()["items"][0]["id"], second.json()["items"][0]["id"]] == [v["id"] for v in in_order]
        assert second.json()["next_cursor"] is None
        assert second.json()["items"][0]["skills"] == ["forklift"]
        for headers in (employer(), citizen(id_number(datetime(1990, 1, 1).date()))):
            assert (await client.get(f"{URL}/open", headers=headers)).status_code == 403
        assert (await client.get(f"{URL}/open", params={"limit": 5000}, headers=system)).status_code == 422
