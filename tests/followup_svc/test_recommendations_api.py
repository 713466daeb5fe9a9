"""Vacancy matching, job recommendations and their outcomes through the follow-up app, which reads vacancies
from the real registration app (same database, each test rolled back): JOB-RECOMMEND, JOB-OUTCOME, the
deregistration hired, revisits of an assisted person, and FU-REFUSAL over contacts and declines together."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from followup_svc.config import Settings as FollowupSettings
from followup_svc.ledger.models import LedgerEntry
from followup_svc.models import ServiceRecord
from followup_svc.recommendation.models import JobRecommendation
from registration_svc.config import Settings as RegistrationSettings
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from shared.clock import Clock
from shared.db import Database
from shared.events import EventType
from tests.followup_svc import assisted_support
from tests.followup_svc.helpers import created, envelope
from tests.followup_svc.ledger_support import consume, deregistration_requests
from tests.registration_svc.job_support import FRIDAY, OTHER_EMPLOYER, employer, job_seeker_body, vacancy_body
from tests.support import bearer, service_settings

CLOCK = Clock.fixed(FRIDAY)  # Friday 2026-11-27, 10:00 in Beijing
COUNTY = "440203"
CW = bearer("caseworker", COUNTY, "cw-1")
OTHER_CW = bearer("caseworker", "440204", "cw-2")
REG_CW = bearer("caseworker", "44", "cw-reg")


@dataclass
class Apps:
    registration: AsyncClient
    followup: AsyncClient


@pytest.fixture
async def apps(database: Database, database_url: str, redis_url: str, queue_prefix: str) -> AsyncIterator[Apps]:
    registration_app = create_registration_app(
        settings=service_settings(RegistrationSettings, database_url, redis_url, queue_prefix), database=database,
        clock=CLOCK, configure_logs=False,
    )
    async with registration_app.router.lifespan_context(registration_app):
        peer = ASGITransport(app=registration_app, raise_app_exceptions=False)
        followup_app = create_followup_app(
            settings=service_settings(FollowupSettings, database_url, redis_url, queue_prefix), database=database,
            clock=CLOCK, configure_logs=False, registration_transport=peer,
        )
        async with followup_app.router.lifespan_context(followup_app), AsyncClient(
            transport=peer, base_url="http://registration"
        ) as registration, AsyncClient(
            transport=ASGITransport(app=followup_app, raise_app_exceptions=False), base_url="http://followup"
        ) as followup:
            yield Apps(registration, followup)


async def registered(database: Database, person_id: uuid.UUID | None = None, registered_on: date = date(2026, 10, 1),
                     region: str = COUNTY) -> tuple[uuid.UUID, uuid.UUID]:
    """Sends registration.created for a person (the ledger and the person lookup learn them); returns the
    person and registration ids."""
    event = created(registered_on=registered_on, region=region)
    if person_id is not None:
        event = event.model_copy(update={"person_id": person_id})
    assert await consume(database, CLOCK, envelope(EventType.REGISTRATION_CREATED, event))
    return event.person_id, event.registration_id


async def published_vacancy(apps: Apps, **changes: Any) -> str:
    """An employer registers a vacancy and a caseworker publishes it; returns its id."""
    body = vacancy_body(**changes)
    made = await apps.registration.post("/api/v1/vacancies", json=body,
                                        headers=employer(body["employer"]["credit_code"]))
    assert made.status_code == 201, made.text
    review = await apps.registration.post(f"/api/v1/vacancies/{made.json()['id']}/review",
                                          json={"decision": "publish"}, headers=REG_CW)
    assert review.status_code == 200, review.text
    return str(made.json()["id"])


async def recommend(apps: Apps, person_id: uuid.UUID, vacancy_id: str, on: str = "2026-11-02",
                    headers: dict[str, str] = CW) -> httpx.Response:
    return await apps.followup.post(f"/api/v1/persons/{person_id}/recommendations",
                                    json={"vacancy_id": vacancy_id, "recommended_on": on}, headers=headers)


async def outcome(apps: Apps, recommendation_id: str, result: str, on: str, justified: bool = False,
                  headers: dict[str, str] = CW) -> httpx.Response:
    return await apps.followup.post(f"/api/v1/recommendations/{recommendation_id}/outcome",
                                    json={"result": result, "on": on, "declined_justified": justified},
                                    headers=headers)


async def services_of(database: Database, person_id: uuid.UUID) -> list[str]:
    async with database.transaction() as session:
        return [str(k) for k in await session.scalars(select(ServiceRecord.kind)
                                                      .where(ServiceRecord.person_id == person_id))]


class TestVacancyMatches:
    async def test_published_vacancies_ranked_by_the_persons_published_intentions(
        self, apps: Apps, database: Database
    ) -> None:
        warehouse = await published_vacancy(apps, occupation_code="4-02-01-01")
        nearby = await published_vacancy(apps, occupation_code="4-02-03-01")
        await published_vacancy(apps, credit_code=OTHER_EMPLOYER, occupation_code="2-05-01-01",
                                requirements={"skills": ["nursing"]})
        seeker = await apps.registration.post("/api/v1/job-seekers", json=job_seeker_body(), headers=REG_CW)
        assert seeker.status_code == 201, seeker.text
        person_id = uuid.UUID(seeker.json()["person_id"])
        await registered(database, person_id)

        # Not yet published: the intentions are not to be matched on.
        early = await apps.followup.get(f"/api/v1/persons/{person_id}/vacancy-matches", headers=CW)
        assert early.status_code == 409 and early.json()["code"] == "job_seeker.not_published"
        await apps.registration.post(f"/api/v1/job-seekers/{seeker.json()['id']}/review",
                                     json={"decision": "publish"}, headers=REG_CW)

        matches = await apps.followup.get(f"/api/v1/persons/{person_id}/vacancy-matches", headers=CW)
        assert matches.status_code == 200, matches.text
        body = matches.json()
        assert (body["considered"], body["region"], body["rule"]) == (3, "440000", "JOB-MATCH")
        # The nursing post shares neither occupation group nor skill: it is not offered.
        assert [item["vacancy"]["id"] for item in body["items"]] == [warehouse, nearby]
        assert body["items"][0]["score"] == 100 and body["items"][1]["score"] < 100
        reason = body["items"][1]["reasons"][0]
        assert (reason["factor"], reason["points"], reason["max_points"]) == ("occupation", 16, 40)
        assert reason["reason"] and reason["reason_zh"]
        limited = await apps.followup.get(f"/api/v1/persons/{person_id}/vacancy-matches", params={"limit": 1},
                                          headers=CW)
        assert [item["vacancy"]["id"] for item in limited.json()["items"]] == [warehouse]
        # Another county's caseworker does not see the person.
        assert (await apps.followup.get(f"/api/v1/persons/{person_id}/vacancy-matches",
                                        headers=OTHER_CW)).status_code == 403

    async def test_the_registration_service_down_is_the_503_naming_it(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        person_id, _ = await registered(database)
        settings = FollowupSettings(app_env="test", database_url=database_url, redis_url=redis_url,
                                    queue_prefix=queue_prefix, log_json=False, peer_retries=0)
        app = create_followup_app(settings=settings, database=database, clock=CLOCK, configure_logs=False,
                                  registration_transport=httpx.MockTransport(refuse))
        async with app.router.lifespan_context(app), AsyncClient(
            transport=ASGITransport(app=app, raise_app_exceptions=False), base_url="http://followup"
        ) as followup:
            matches = await followup.get(f"/api/v1/persons/{person_id}/vacancy-matches", headers=CW)
            assert matches.status_code == 503 and "registration" in matches.json()["detail"]
            assert matches.headers["content-type"].startswith("application/problem+json")
            made = await followup.post(f"/api/v1/persons/{person_id}/recommendations", headers=CW,
                                       json={"vacancy_id": str(uuid.uuid4()), "recommended_on": "2026-11-02"})
            assert made.status_code == 503 and "registration" in made.json()["detail"]
        assert await services_of(database, person_id) == []


class TestRecommend:
    async def test_a_published_vacancy_is_recommended_and_is_a_job_recommendation_service(
        self, apps: Apps, database: Database
    ) -> None:
        person_id, _ = await registered(database)
        vacancy = await published_vacancy(apps)
        made = await recommend(apps, person_id, vacancy)
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["vacancy_id"], body["vacancy_title"], body["result"]) == (vacancy, "仓库管理员", None)
        services = await apps.followup.get(f"/api/v1/persons/{person_id}/services", headers=CW)
        (service,) = services.json()["items"]
        assert (service["id"], service["kind"], service["delivered_on"]) == (
            body["service_id"], "job_recommendation", "2026-11-02")
        listed = await apps.followup.get(f"/api/v1/persons/{person_id}/recommendations", headers=CW)
        assert [r["id"] for r in listed.json()["items"]] == [body["id"]]
        timeline = await apps.followup.get(f"/api/v1/persons/{person_id}/timeline", headers=CW)
        assert ("recommendation", "recommended", "2026-11-02") in [
            (i["type"], i["kind"], i["on"]) for i in timeline.json()["items"]]

    async def test_a_retry_with_the_same_key_records_once(self, apps: Apps, database: Database) -> None:
        person_id, _ = await registered(database)
        vacancy = await published_vacancy(apps)
        headers = {**CW, "Idempotency-Key": "rec-1"}
        first = await recommend(apps, person_id, vacancy, headers=headers)
        again = await recommend(apps, person_id, vacancy, headers=headers)
        assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
        assert await services_of(database, person_id) == ["job_recommendation"]

    @pytest.mark.parametrize("step", ["pending", "closed"])
    async def test_an_unpublished_or_closed_vacancy_is_409_and_nothing_is_recorded(
        self, apps: Apps, database: Database, step: str
    ) -> None:
        person_id, _ = await registered(database)
        body = vacancy_body()
        made = await apps.registration.post("/api/v1/vacancies", json=body, headers=employer())
        vacancy = str(made.json()["id"])
        if step == "closed":
            await apps.registration.post(f"/api/v1/vacancies/{vacancy}/review", json={"decision": "publish"},
                                         headers=REG_CW)
            closed = await apps.registration.post(f"/api/v1/vacancies/{vacancy}/close", json={"reason": "filled"},
                                                  headers=employer())
            assert closed.status_code == 200, closed.text
        refused = await recommend(apps, person_id, vacancy)
        assert refused.status_code == 409 and refused.json()["code"] == "vacancy.not_published"
        assert refused.json()["violations"][0]["rule"] == "JOB-RECOMMEND"
        assert await services_of(database, person_id) == []

    async def test_unknown_vacancy_duplicate_and_future_date_are_refused(self, apps: Apps, database: Database
                                                                         ) -> None:
        person_id, _ = await registered(database)
        unknown = await recommend(apps, person_id, str(uuid.uuid4()))
        assert unknown.status_code == 404 and unknown.json()["code"] == "vacancy.not_found"
        vacancy = await published_vacancy(apps)
        future = await recommend(apps, person_id, vacancy, on="2026-11-28")
        assert future.status_code == 422 and future.json()["violations"][0]["rule"] == "JOB-RECOMMEND"
        assert (await recommend(apps, person_id, vacancy)).status_code == 201
        twice = await recommend(apps, person_id, vacancy, on="2026-11-03")
        assert twice.status_code == 409 and twice.json()["code"] == "recommendation.duplicate"
        assert await services_of(database, person_id) == ["job_recommendation"]
        other = await recommend(apps, person_id, vacancy, headers=OTHER_CW)
        assert other.status_code == 403


class TestCitesThePackOfThePersonsRegion:
    @pytest.mark.parametrize(("region", "clause"), [
        (COUNTY, "《韶关市登记失业人员跟踪服务工作方案》四(二)2(2)"), ("620102", "甘人社通〔2020〕111号 四(三)"),
    ])
    async def test_job_recommend_cites_the_recommendation_clause_of_the_region(
        self, apps: Apps, database: Database, region: str, clause: str
    ) -> None:
        person_id, _ = await registered(database, region=region)
        future = await recommend(apps, person_id, str(uuid.uuid4()), on="2026-11-28",
                                 headers=bearer("caseworker", region, "cw-1"))
        assert future.status_code == 422, future.text
        (violation,) = future.json()["violations"]
        assert violation["rule"] == "JOB-RECOMMEND" and violation["message_zh"].endswith(f"（JOB-RECOMMEND，{clause}）")


class TestOutcome:
    async def test_hired_requests_deregistration_hired_and_schedules_revisits_of_an_assisted_person(
        self, apps: Apps, database: Database
    ) -> None:
        person_id, registration_id = await registered(database)
        application = assisted_support.submitted(person_id, date(2026, 10, 5), date(2026, 11, 2), region=COUNTY)
        await assisted_support.consume(database, EventType.DIFFICULTY_CERTIFIED,
                                       assisted_support.certified(application, date(2026, 10, 20)))
        rec = (await recommend(apps, person_id, await published_vacancy(apps))).json()
        interviewed = await outcome(apps, rec["id"], "interviewed", "2026-11-10")
        assert interviewed.status_code == 200 and interviewed.json()["interviewed_on"] == "2026-11-10"
        again = await outcome(apps, rec["id"], "interviewed", "2026-11-11")
        assert again.status_code == 409 and again.json()["code"] == "recommendation.outcome_recorded"
        before_interview = await outcome(apps, rec["id"], "hired", "2026-11-09")
        assert before_interview.status_code == 422

        hired = await outcome(apps, rec["id"], "hired", "2026-11-16")
        assert hired.status_code == 200, hired.text
        body = hired.json()
        assert (body["result"], body["result_on"]) == ("hired", "2026-11-16")
        asked = body["deregistration_requested"]
        assert (asked["reason"], asked["effective_date"], asked["rule"]) == ("hired", "2026-11-16", "JOB-OUTCOME")
        assert body["revisits_scheduled"] == 8  # 4 to the person, 4 to the employer
        (event,) = await deregistration_requests(database, registration_id)
        assert (event["reason"], event["effective_date"], event["evidence"]["recommendation_id"]) == (
            "hired", "2026-11-16", rec["id"])
        final = await outcome(apps, rec["id"], "not_hired", "2026-11-20")
        assert final.status_code == 409 and final.json()["violations"][0]["rule"] == "JOB-OUTCOME"
        timeline = await apps.followup.get(f"/api/v1/persons/{person_id}/timeline", headers=CW)
        kinds = [i["kind"] for i in timeline.json()["items"] if i["type"] == "recommendation"]
        assert kinds == ["recommended", "interviewed", "hired"]

    async def test_an_outcome_of_another_region_is_403_and_changes_nothing(self, apps: Apps, database: Database
                                                                          ) -> None:
        person_id, _ = await registered(database)
        rec = (await recommend(apps, person_id, await published_vacancy(apps))).json()
        refused = await outcome(apps, rec["id"], "hired", "2026-11-16", headers=OTHER_CW)
        assert refused.status_code == 403
        assert (await outcome(apps, str(uuid.uuid4()), "hired", "2026-11-16")).status_code == 403
        async with database.transaction() as session:
            row = await session.get(JobRecommendation, uuid.UUID(rec["id"]))
            assert row is not None and row.result is None

    @pytest.mark.parametrize(("result", "on", "justified"), [
        ("hired", "2026-11-01", False),  # before the recommendation on 2026-11-02
        ("hired", "2026-11-28", False),  # after today
        ("hired", "2026-11-10", True),  # a good reason goes with a decline only
    ])
    async def test_outcome_dates_and_reasons_are_checked(
        self, apps: Apps, database: Database, result: str, on: str, justified: bool
    ) -> None:
        person_id, registration_id = await registered(database)
        rec = (await recommend(apps, person_id, await published_vacancy(apps))).json()
        refused = await outcome(apps, rec["id"], result, on, justified)
        assert refused.status_code == 422 and refused.json()["code"] == "recommendation.invalid_outcome"
        assert refused.json()["violations"][0]["rule"] == "JOB-OUTCOME"
        assert await deregistration_requests(database, registration_id) == []

    async def test_boundary_days_are_accepted(self, apps: Apps, database: Database) -> None:
        person_id, _ = await registered(database)
        first = (await recommend(apps, person_id, await published_vacancy(apps))).json()
        second = (await recommend(apps, person_id, await published_vacancy(apps, title="叉车司机"))).json()
        assert (await outcome(apps, first["id"], "not_hired", "2026-11-02")).status_code == 200
        assert (await outcome(apps, second["id"], "declined", "2026-11-27", justified=True)).status_code == 200


class TestRefusalOverContactsAndDeclines:
    async def _entry(self, database: Database, registration_id: uuid.UUID, month: date) -> str:
        async with database.transaction() as session:
            return str(await session.scalar(select(LedgerEntry.id).where(
                LedgerEntry.registration_id == registration_id, LedgerEntry.month == month)))

    async def _refuse_contact(self, apps: Apps, entry: str, on: str, justified: bool = False) -> httpx.Response:
        return await apps.followup.post(f"/api/v1/ledger/{entry}/contacts", headers=CW, json={
            "method": "phone", "contacted_on": on, "result": "refused", "refusal_justified": justified})

    async def test_a_refused_contact_and_two_unjustified_declines_request_refused_services(
        self, apps: Apps, database: Database
    ) -> None:
        person_id, registration_id = await registered(database)
        october = await self._entry(database, registration_id, date(2026, 10, 1))
        assert (await self._refuse_contact(apps, october, "2026-10-20")).status_code == 201
        recs = [(await recommend(apps, person_id, await published_vacancy(apps, title=f"岗位{n}"))).json()
                for n in range(2)]
        first = await outcome(apps, recs[0]["id"], "declined", "2026-11-04")
        assert first.json()["deregistration_requested"] is None
        third = await outcome(apps, recs[1]["id"], "declined", "2026-11-09")
        assert third.status_code == 200, third.text
        asked = third.json()["deregistration_requested"]
        assert (asked["reason"], asked["effective_date"], asked["rule"]) == (
            "refused_services", "2026-11-09", "FU-REFUSAL")
        (event,) = await deregistration_requests(database, registration_id)
        assert event["reason"] == "refused_services"

    async def test_a_justified_decline_resets_and_the_contact_path_counts_declines_too(
        self, apps: Apps, database: Database
    ) -> None:
        person_id, registration_id = await registered(database)
        recs = [(await recommend(apps, person_id, await published_vacancy(apps, title=f"岗位{n}"))).json()
                for n in range(3)]
        await outcome(apps, recs[0]["id"], "declined", "2026-11-03")
        await outcome(apps, recs[1]["id"], "declined", "2026-11-04", justified=True)  # resets
        await outcome(apps, recs[2]["id"], "declined", "2026-11-05")
        november = await self._entry(database, registration_id, date(2026, 11, 1))
        second = await self._refuse_contact(apps, november, "2026-11-06")
        assert second.status_code == 201 and second.json()["deregistration_requested"] is None
        assert await deregistration_requests(database, registration_id) == []
        # A third unjustified refusal in a row, at a contact: the ledger's path counts the declines as well.
        third = await self._refuse_contact(apps, november, "2026-11-10")
        assert third.status_code == 201, third.text
        asked = third.json()["deregistration_requested"]
        assert (asked["reason"], asked["effective_date"], asked["rule"]) == (
            "refused_services", "2026-11-10", "FU-REFUSAL")

    async def test_everything_counts_in_date_order_not_in_the_order_recorded(
        self, apps: Apps, database: Database
    ) -> None:
        person_id, registration_id = await registered(database)
        recs = [(await recommend(apps, person_id, await published_vacancy(apps, title=f"岗位{n}"))).json()
                for n in range(3)]
        await outcome(apps, recs[0]["id"], "declined", "2026-11-04")
        await outcome(apps, recs[1]["id"], "declined", "2026-11-06")
        # Recorded last but dated first: the interview (a recommendation taken up) comes before both declines.
        interview = await outcome(apps, recs[2]["id"], "interviewed", "2026-11-03")
        assert interview.json()["deregistration_requested"] is None
        november = await self._entry(database, registration_id, date(2026, 11, 1))
        contact = await self._refuse_contact(apps, november, "2026-11-07")
        asked = contact.json()["deregistration_requested"]
        assert (asked["rule"], asked["effective_date"]) == ("FU-REFUSAL", "2026-11-07")
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(JobRecommendation)
                                        .where(JobRecommendation.person_id == person_id)) == 3

    async def test_an_accepted_recommendation_between_declines_resets(self, apps: Apps, database: Database) -> None:
        person_id, registration_id = await registered(database)
        recs = [(await recommend(apps, person_id, await published_vacancy(apps, title=f"岗位{n}"))).json()
                for n in range(3)]
        await outcome(apps, recs[0]["id"], "declined", "2026-11-04")
        await outcome(apps, recs[1]["id"], "not_hired", "2026-11-05")  # went to the interview: taken up
        await outcome(apps, recs[2]["id"], "declined", "2026-11-06")
        november = await self._entry(database, registration_id, date(2026, 11, 1))
        contact = await self._refuse_contact(apps, november, "2026-11-07")
        assert contact.status_code == 201 and contact.json()["deregistration_requested"] is None
        assert await deregistration_requests(database, registration_id) == []
