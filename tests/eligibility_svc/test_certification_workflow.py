"""Difficulty certification workflow through the eligibility app, with the real registration app as its peer:
DIFF-MATERIALS, DIFF-DUPLICATE, DIFF-PRELIMINARY, DIFF-NOTICE, DIFF-REVIEW, DIFF-REJECTION,
DIFF-REREVIEW-WINDOW, DIFF-EXIT, DIFF-QUARTERLY and DIFF-SCREENING at their boundaries."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from eligibility_svc.certification import periodic
from eligibility_svc.certification.models import DifficultyApplication, DifficultyCertification, DifficultyReview
from eligibility_svc.certification.rules import review_due
from eligibility_svc.certification.service import WorkflowEnv
from eligibility_svc.certification.tasks import certification_redater, deregistration_handlers
from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.models import platform as eligibility_platform
from registration_svc.config import Settings as RegistrationSettings
from services.eligibility.app import create_app as create_eligibility_app
from services.eligibility.worker import generate_quarterly_reviews
from services.registration.app import create_app as create_registration_app
from shared.calendar import YearArrangement, default_calendar
from shared.calendar_store import CalendarHolder
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.events import EventEnvelope, EventType, RegistrationDeregistered
from shared.outbox import OutboxRelay, consume_event
from shared.policy import default_registry
from shared.worker import WorkerContext
from tests.registration_svc.registration_support import id_number
from tests.support import bearer, pdf_text, service_settings

PATH = "/api/v1/difficulty/applications"
# A fixed "now" after every date the tests use, so they pass at any hour.
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOWN = "440203001"
COUNTY = "440203"
CASEWORKER = bearer("caseworker", TOWN)
REVIEWER = bearer("reviewer", COUNTY)
TOWN_REVIEWER = bearer("reviewer", TOWN)
OTHER_COUNTY_REVIEWER = bearer("reviewer", "440204")


@dataclass
class Apps:
    registration: AsyncClient
    eligibility: AsyncClient
    registration_app: FastAPI


@pytest.fixture
async def apps(database: Database, database_url: str, redis_url: str, queue_prefix: str) -> AsyncIterator[Apps]:
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    elig_settings = service_settings(EligibilitySettings, database_url, redis_url, queue_prefix)
    registration_app = create_registration_app(settings=reg_settings, database=database, clock=Clock.fixed(NOW),
                                               configure_logs=False)
    eligibility_app = create_eligibility_app(
        settings=elig_settings, database=database, clock=Clock.fixed(NOW), configure_logs=False,  # type: ignore[arg-type]
        registration_transport=ASGITransport(app=registration_app),
    )
    async with registration_app.router.lifespan_context(registration_app), \
            eligibility_app.router.lifespan_context(eligibility_app):
        async with AsyncClient(transport=ASGITransport(app=registration_app, raise_app_exceptions=False),
                               base_url="http://registration") as reg, \
                AsyncClient(transport=ASGITransport(app=eligibility_app, raise_app_exceptions=False),
                            base_url="http://eligibility") as elig:
            yield Apps(reg, elig, registration_app)


def woman(born: date = date(1981, 3, 15)) -> str:
    return id_number(born, sequence=random.randrange(0, 998, 2))


def man(born: date) -> str:
    return id_number(born, sequence=random.randrange(1, 999, 2))


async def register(apps: Apps, number: str, applied_at: str = "2025-06-02T09:00:00+08:00") -> dict[str, Any]:
    body = {
        "person": {"id_type": "resident_id", "id_number": number, "name": "王芳", "phone": "13800000002",
                   "hukou_region_code": COUNTY, "hukou_type": "urban", "residence_region_code": COUNTY,
                   "residence_type": "urban"},
        "channel": "window", "agency_region_code": TOWN, "applied_at": applied_at,
        "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True, "receiving_pension": False},
        "unemployed_since": "2025-05-01", "unemployment_reason": "contract ended", "commitment_signed": True,
    }
    response = await apps.registration.post("/api/v1/registrations", json=body, headers=CASEWORKER)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def application(number: str, born: date, gender: str = "female", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "applied_on": "2026-11-20", "agency_region_code": TOWN,
        "person": {"id_type": "resident_id", "id_number": number, "name": "王芳", "phone": "13800000002",
                   "gender": gender, "birth_date": born.isoformat(), "hukou_region_code": COUNTY,
                   "hukou_type": "urban", "residence_region_code": COUNTY},
        "status": {"unemployed": True, "able_to_work": True, "wants_work": True},
        "facts": {"latest_registration_date": "2026-10-01"},
        "materials": ["id_card"],
    }
    body.update(changes)
    return body


async def submitted(apps: Apps, born: date = date(1981, 3, 15), applied_on: str = "2026-11-20") -> dict[str, Any]:
    number = woman(born)
    await register(apps, number)
    response = await apps.eligibility.post(PATH, json=application(number, born, applied_on=applied_on),
                                           headers=CASEWORKER)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def in_notice(apps: Apps, reviewed_on: str = "2026-11-24", applied_on: str = "2026-11-20") -> dict[str, Any]:
    app = await submitted(apps, applied_on=applied_on)
    response = await apps.eligibility.post(
        f"{PATH}/{app['id']}/preliminary-review",
        json={"decision": "pass", "reason": "材料齐全，符合条件", "reviewed_on": reviewed_on}, headers=CASEWORKER,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def certify(decided_on: str = "2026-12-02", **changes: Any) -> dict[str, Any]:
    return {"decision": "certify", "reason": "符合大龄失业人员条件", "decided_on": decided_on, "tier": "II", **changes}


class TestApplication:
    async def test_registration_facts_win_over_declared_ones(self, apps: Apps) -> None:
        app = await submitted(apps)
        assert app["status"] == "submitted" and app["missing_materials"] == []
        used = {f["fact"]: f for f in app["facts_used"]}
        # Declared 2026-10-01; the registration service holds the window registration of 2025-06-02.
        assert used["latest_registration_date"]["declared"] == "2026-10-01"
        assert used["latest_registration_date"]["registered"] == "2025-06-02"
        assert used["latest_registration_date"]["used"] == "registration"
        assert set(app["evaluation"]["categories_met"]) == {"older_unemployed", "long_term_unemployed"}
        # DIFF-PRELIMINARY: 5 working days after 2026-11-20 (Fri) is 2026-11-27 (Fri).
        assert app["preliminary_review_due"] == "2026-11-27"
        step = app["steps"][0]
        assert (step["rule"], step["due"], step["overdue"], step["estimated"]) == (
            "DIFF-PRELIMINARY", "2026-11-27", True, False)

    async def test_every_missing_material_is_listed_at_once_then_completed(self, apps: Apps) -> None:
        born = date(1981, 3, 15)
        number = woman(born)
        facts = {"disability_certificate": True, "subsistence_allowance": True}
        response = await apps.eligibility.post(
            PATH, json=application(number, born, materials=[], facts=facts), headers=CASEWORKER
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "materials_incomplete" and body["preliminary_review_due"] is None
        codes = {m["code"] for m in body["missing_materials"]}
        assert {"id_card", "disability_certificate", "subsistence_allowance_certificate"} <= codes
        assert all(m["name_zh"] for m in body["missing_materials"])
        assert body["facts_used"][0]["used"] == "declared"  # no registration on record
        added = await apps.eligibility.post(
            f"{PATH}/{body['id']}/materials", json={"materials": sorted(codes), "received_on": "2026-11-23"},
            headers=CASEWORKER,
        )
        assert added.status_code == 200, added.text
        assert added.json()["status"] == "submitted" and added.json()["preliminary_review_due"] == "2026-11-30"

    async def test_applying_twice_is_diff_duplicate(self, apps: Apps, database: Database) -> None:
        app = await submitted(apps)
        number = woman()
        await register(apps, number)
        first = await apps.eligibility.post(PATH, json=application(number, date(1981, 3, 15)), headers=CASEWORKER)
        again = await apps.eligibility.post(PATH, json=application(number, date(1981, 3, 15)), headers=CASEWORKER)
        assert first.status_code == 201 and again.status_code == 409
        problem = again.json()
        assert problem["code"] == "difficulty.duplicate" and problem["violations"][0]["rule"] == "DIFF-DUPLICATE"
        assert problem["detail_zh"]
        async with database.transaction() as session:
            person = uuid.UUID(first.json()["person_id"])
            count = await session.scalar(select(func.count()).where(DifficultyApplication.person_id == person))
        assert count == 1 and app["id"] != first.json()["id"]

    async def test_the_agency_is_a_town_of_a_known_county(self, apps: Apps) -> None:
        born = date(1981, 3, 15)
        for code in ("440203", "449999001"):
            response = await apps.eligibility.post(
                PATH, json=application(woman(born), born, agency_region_code=code), headers=bearer("caseworker", "44"))
            assert response.status_code == 422, response.text
            assert response.json()["violations"][0]["rule"] == "T-REGION"

    async def test_a_citizen_applies_only_for_self(self, apps: Apps) -> None:
        born = date(1981, 3, 15)
        number = woman(born)
        other = bearer("citizen", COUNTY, sub=woman(born))
        own = bearer("citizen", COUNTY, sub=number)
        assert (await apps.eligibility.post(PATH, json=application(number, born), headers=other)).status_code == 403
        assert (await apps.eligibility.post(PATH, json=application(number, born), headers=own)).status_code == 201

    async def test_a_citizen_reads_the_application_a_caseworker_filed_for_them_at_the_window(
        self, apps: Apps
    ) -> None:
        filed = await submitted(apps)  # by the town's caseworker
        number = (await apps.registration.get(f"/api/v1/persons/{filed['person_id']}",
                                              headers=bearer("system", "44"))).json()["id_number"]
        # As a citizen writes it on a phone: lower-case check character, full-width digits are folded too.
        own = bearer("citizen", COUNTY, sub=number.lower())
        read = await apps.eligibility.get(f"{PATH}/{filed['id']}", headers=own)
        assert read.status_code == 200, read.text
        listed = (await apps.eligibility.get(PATH, headers=own)).json()["items"]
        assert [a["id"] for a in listed] == [filed["id"]]
        stranger = bearer("citizen", COUNTY, sub=woman(date(1981, 3, 15)))
        assert (await apps.eligibility.get(f"{PATH}/{filed['id']}", headers=stranger)).status_code in (403, 404)
        assert (await apps.eligibility.get(PATH, headers=stranger)).json()["items"] == []

    async def test_registration_service_down_is_503_and_nothing_is_saved(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        settings = service_settings(EligibilitySettings, database_url, redis_url, queue_prefix)
        app = create_eligibility_app(settings=settings, database=database, clock=Clock.fixed(NOW),  # type: ignore[arg-type]
                                     configure_logs=False, registration_transport=httpx.MockTransport(refuse))
        async with app.router.lifespan_context(app), AsyncClient(
            transport=ASGITransport(app=app, raise_app_exceptions=False), base_url="http://eligibility"
        ) as client:
            born = date(1981, 3, 15)
            response = await client.post(PATH, json=application(woman(born), born), headers=CASEWORKER)
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "service.peer_unavailable" and "registration" in response.json()["detail"]
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(DifficultyApplication)) == 0


class TestPreliminaryReviewAndNotice:
    async def test_pass_opens_the_notice_from_the_next_working_day(self, apps: Apps) -> None:
        app = await in_notice(apps, reviewed_on="2026-11-24")
        # Reviewed Tue 2026-11-24: notice Wed 11-25 .. the 5th working day counting 11-25, Tue 12-01.
        assert (app["status"], app["notice_start"], app["notice_end"]) == (
            "in_public_notice", "2026-11-25", "2026-12-01")
        # DIFF-REVIEW: 10 working days after the notice's end.
        assert app["review_due"] == "2026-12-15"
        assert [d["step"] for d in app["decisions"]] == ["preliminary"]

    async def test_reviewing_twice_or_before_complete_is_out_of_order(self, apps: Apps) -> None:
        app = await in_notice(apps)
        again = await apps.eligibility.post(
            f"{PATH}/{app['id']}/preliminary-review",
            json={"decision": "pass", "reason": "again", "reviewed_on": "2026-11-25"}, headers=CASEWORKER,
        )
        assert again.status_code == 409 and again.json()["violations"][0]["rule"] == "DIFF-PRELIMINARY"

    async def test_objections_only_inside_the_window(self, apps: Apps) -> None:
        app = await in_notice(apps)
        url = f"{PATH}/{app['id']}/objections"
        citizen = bearer("citizen", COUNTY, sub="someone")
        for day, status in (("2026-11-24", 409), ("2026-11-25", 201), ("2026-12-01", 201), ("2026-12-02", 409)):
            response = await apps.eligibility.post(url, json={"received_on": day, "content": "她有工作"},
                                                   headers=citizen)
            assert response.status_code == status, (day, response.text)
            if status == 409:
                assert response.json()["violations"][0]["rule"] == "DIFF-NOTICE"
        read = await apps.eligibility.get(f"{PATH}/{app['id']}", headers=REVIEWER)
        assert len(read.json()["objections"]) == 2


class TestCertification:
    async def test_no_decision_while_the_notice_runs(self, apps: Apps) -> None:
        app = await in_notice(apps)
        response = await apps.eligibility.post(f"{PATH}/{app['id']}/certification",
                                               json=certify("2026-12-01"), headers=REVIEWER)
        assert response.status_code == 409 and response.json()["violations"][0]["rule"] == "DIFF-NOTICE"

    async def test_only_a_county_reviewer_of_the_region_decides(self, apps: Apps) -> None:
        app = await in_notice(apps)
        url = f"{PATH}/{app['id']}/certification"
        town = await apps.eligibility.post(url, json=certify(), headers=TOWN_REVIEWER)
        assert town.status_code == 403 and town.json()["code"] == "difficulty.reviewer_level"
        assert town.json()["violations"][0]["rule"] == "DIFF-REVIEW"
        assert (await apps.eligibility.post(url, json=certify(), headers=CASEWORKER)).status_code == 403
        assert (await apps.eligibility.post(url, json=certify(), headers=OTHER_COUNTY_REVIEWER)).status_code == 403
        still = await apps.eligibility.get(f"{PATH}/{app['id']}", headers=REVIEWER)
        assert still.json()["status"] == "in_public_notice"

    async def test_certify_after_the_notice_and_status_on_dates(self, apps: Apps) -> None:
        app = await in_notice(apps)
        response = await apps.eligibility.post(f"{PATH}/{app['id']}/certification", json=certify(), headers=REVIEWER)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "certified"
        certificate = body["certificate"]
        assert certificate["tier"] == "II" and certificate["certified_on"] == "2026-12-02"
        assert "older_unemployed" in certificate["categories"] and certificate["number"].startswith("JK440203")
        decision = body["decisions"][-1]
        assert decision["step"] == "certification" and decision["evaluation"]["eligible"] is True
        status_url = f"/api/v1/difficulty/status?person_id={app['person_id']}"
        on = await apps.eligibility.get(f"{status_url}&on=2026-12-02", headers=bearer("system", "44"))
        before = await apps.eligibility.get(f"{status_url}&on=2026-12-01", headers=bearer("system", "44"))
        assert on.json()["certified"] is True and on.json()["categories"] == certificate["categories"]
        assert before.json()["certified"] is False

    async def test_objections_need_a_finding(self, apps: Apps) -> None:
        app = await in_notice(apps)
        await apps.eligibility.post(f"{PATH}/{app['id']}/objections",
                                    json={"received_on": "2026-11-26", "content": "异议"}, headers=CASEWORKER)
        url = f"{PATH}/{app['id']}/certification"
        missing = await apps.eligibility.post(url, json=certify(), headers=REVIEWER)
        assert missing.status_code == 422 and missing.json()["violations"][0]["field"] == "objection_finding"
        found = await apps.eligibility.post(url, json=certify(objection_finding="经核查异议不成立"), headers=REVIEWER)
        assert found.status_code == 200 and found.json()["status"] == "certified"

    async def test_an_ineligible_person_cannot_be_certified(self, apps: Apps, database: Database) -> None:
        born = date(1990, 5, 5)
        number = man(born)
        await register(apps, number, applied_at="2026-11-02T09:00:00+08:00")
        created = await apps.eligibility.post(PATH, json=application(number, born, gender="male"), headers=CASEWORKER)
        app = created.json()
        assert app["evaluation"]["eligible"] is False
        await apps.eligibility.post(f"{PATH}/{app['id']}/preliminary-review",
                                    json={"decision": "pass", "reason": "转区审核", "reviewed_on": "2026-11-24"},
                                    headers=CASEWORKER)
        response = await apps.eligibility.post(f"{PATH}/{app['id']}/certification", json=certify(), headers=REVIEWER)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "difficulty.ineligible"
        assert {v["rule"] for v in response.json()["violations"]} == {"DIFF-REVIEW"}
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).where(
                DifficultyCertification.application_id == uuid.UUID(app["id"]))) == 0
        still = await apps.eligibility.get(f"{PATH}/{app['id']}", headers=REVIEWER)
        assert still.json()["status"] == "in_public_notice" and len(still.json()["decisions"]) == 1


class TestRejectionAndRereview:
    async def test_rejection_notice_json_and_html_and_the_rereview_window(
        self, apps: Apps, database: Database
    ) -> None:
        app = await in_notice(apps)
        rejected = await apps.eligibility.post(
            f"{PATH}/{app['id']}/certification",
            json={"decision": "reject", "reason": "employed at a factory", "reason_zh": "已在工厂就业",
                  "decided_on": "2026-12-02"},
            headers=REVIEWER,
        )
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        notice = rejected.json()["rejection_notice"]
        # 30 days after 2026-12-02 is Fri 2027-01-01: 2027's arrangement is not published yet, but its estimate
        # keeps the statutory New Year's Day, so the window runs to the next working day, Mon 2027-01-04.
        assert notice["issued_on"] == "2026-12-02" and notice["reason_zh"] == "已在工厂就业"
        assert notice["rereview_by"] == "2027-01-04"
        html = await apps.eligibility.get(f"{PATH}/{app['id']}/rejection-notice",
                                          headers={**REVIEWER, "Accept": "text/html"})
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert "不予认定就业困难人员告知书" in html.text and "2027-01-04" in html.text and "已在工厂就业" in html.text
        as_json = await apps.eligibility.get(f"{PATH}/{app['id']}/rejection-notice", headers=REVIEWER)
        assert as_json.json()["rereview_by"] == "2027-01-04"
        # The event the registration service tells the person from carries the reason and the deadline.
        outbox = eligibility_platform.outbox
        async with database.transaction() as session:
            [decided] = (await session.scalars(select(outbox.c.payload).where(
                outbox.c.event_type == "difficulty.decided", outbox.c.payload["application_id"].astext == app["id"]
            ))).all()
        assert (decided["certified"], decided["reason_zh"], decided["rereview_by"]) == (
            False, "已在工厂就业", "2027-01-04")
        # No agency is recorded in the registry for the region: the notice names it by its region code.
        assert as_json.json()["agency"] is None and "本机构（区划 440203001）" in html.text

    async def test_the_notice_names_the_agency_of_the_registry_and_how_to_reach_it(self, apps: Apps) -> None:
        agency = {"name": "韶关市公共就业服务中心", "address": "韶关市武江区沿江路1号", "telephone": "0751-1234567",
                  "items_handled": ["就业困难人员认定"]}
        recorded = await apps.registration.put("/api/v1/agencies/4402", json=agency,
                                               headers=bearer("admin", "4402", "admin-city"))
        assert recorded.status_code == 200, recorded.text
        app = await in_notice(apps)
        await apps.eligibility.post(
            f"{PATH}/{app['id']}/certification",
            json={"decision": "reject", "reason": "employed", "reason_zh": "已在工厂就业", "decided_on": "2026-12-02"},
            headers=REVIEWER,
        )
        url = f"{PATH}/{app['id']}/rejection-notice"
        # The town (440203001) and its county have no agency of their own: the city's answers, in JSON and on paper.
        contact = (await apps.eligibility.get(url, headers=REVIEWER)).json()["agency"]
        assert (contact["region_code"], contact["name"], contact["telephone"]) == (
            "440200", "韶关市公共就业服务中心", "0751-1234567")
        html = (await apps.eligibility.get(url, headers={**REVIEWER, "Accept": "text/html"})).text
        assert "联系方式：韶关市公共就业服务中心，地址：韶关市武江区沿江路1号，联系电话：0751-1234567" in html
        assert "区划 4402" not in html
        pdf = await apps.eligibility.get(url, headers={**REVIEWER, "Accept": "application/pdf"})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert text.startswith("不予认定就业困难人员告知书") and "理由：已在工厂就业" in text
        assert "2027年1月4日前（含当日）向本机构申请复核" in text and "联系电话：0751-1234567" in text

    async def test_rereview_after_the_window_is_refused_and_inside_accepted(self, apps: Apps) -> None:
        app = await in_notice(apps, reviewed_on="2026-11-02", applied_on="2026-10-30")
        await apps.eligibility.post(
            f"{PATH}/{app['id']}/certification",
            json={"decision": "reject", "reason": "no", "decided_on": "2026-11-10"}, headers=REVIEWER,
        )
        # 2026-11-10 + 30 days = Thu 2026-12-10 (a working day).
        url = f"{PATH}/{app['id']}/re-review"
        # Today is 2026-12-10: a request dated tomorrow is refused as a future date, one of today accepted.
        late = await apps.eligibility.post(url, json={"requested_on": "2026-12-11", "grounds": "g"}, headers=CASEWORKER)
        assert late.status_code == 422
        ok = await apps.eligibility.post(url, json={"requested_on": "2026-12-10", "grounds": "g"}, headers=CASEWORKER)
        assert ok.status_code == 200 and ok.json()["status"] == "under_re_review", ok.text

    async def test_rereview_a_day_late(self, apps: Apps) -> None:
        app = await in_notice(apps, reviewed_on="2026-10-20", applied_on="2026-10-15")
        await apps.eligibility.post(
            f"{PATH}/{app['id']}/certification",
            json={"decision": "reject", "reason": "no", "decided_on": "2026-10-30"}, headers=REVIEWER,
        )
        # 2026-10-30 + 30 days = Sun 2026-11-29, moved to Mon 2026-11-30.
        url = f"{PATH}/{app['id']}/re-review"
        late = await apps.eligibility.post(url, json={"requested_on": "2026-12-01", "grounds": "g"}, headers=CASEWORKER)
        assert late.status_code == 422 and late.json()["violations"][0]["rule"] == "DIFF-REREVIEW-WINDOW"
        ok = await apps.eligibility.post(url, json={"requested_on": "2026-11-30", "grounds": "g"}, headers=CASEWORKER)
        assert ok.status_code == 200 and ok.json()["status"] == "under_re_review"
        decided = await apps.eligibility.post(f"{PATH}/{app['id']}/certification", json=certify("2026-12-03"),
                                              headers=REVIEWER)
        assert decided.status_code == 200 and decided.json()["status"] == "certified"


async def certified(apps: Apps) -> dict[str, Any]:
    app = await in_notice(apps)
    response = await apps.eligibility.post(f"{PATH}/{app['id']}/certification", json=certify(), headers=REVIEWER)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def env() -> WorkflowEnv:
    return WorkflowEnv(default_registry(), default_calendar(), eligibility_platform.outbox)


class TestExit:
    async def test_exit_by_hand_ends_the_status_and_allows_a_new_application(self, apps: Apps) -> None:
        app = await certified(apps)
        certificate = app["certificate"]
        url = f"/api/v1/difficulty/certifications/{certificate['id']}/exit"
        body = {"reason": "employed", "effective_date": "2026-12-05", "note": "找到工作"}
        assert (await apps.eligibility.post(url, json=body, headers=CASEWORKER)).status_code == 403
        ended = await apps.eligibility.post(url, json=body, headers=REVIEWER)
        assert ended.status_code == 200 and ended.json()["status"] == "ended"
        again = await apps.eligibility.post(url, json=body, headers=REVIEWER)
        assert again.status_code == 409
        status = await apps.eligibility.get(
            f"/api/v1/difficulty/status?person_id={app['person_id']}&on=2026-12-05", headers=REVIEWER)
        assert status.json()["certified"] is False
        listed = await apps.eligibility.get("/api/v1/difficulty/certifications?status=ended", headers=REVIEWER)
        assert [c["exit_reason"] for c in listed.json()["items"]] == ["employed"]

    async def test_deregistration_for_work_ends_it_and_for_other_reasons_not(
        self, apps: Apps, database: Database
    ) -> None:
        app = await certified(apps)
        person = uuid.UUID(app["person_id"])

        def event(reason: str) -> RegistrationDeregistered:
            return RegistrationDeregistered(registration_id=uuid.uuid4(), person_id=person,
                                            agency_region_code=TOWN, reason=reason,
                                            effective_date=date(2026, 12, 8))

        async with database.transaction() as session:
            assert await periodic.exit_on_deregistration(session, env(), event("moved_abroad")) == 0
            assert await periodic.exit_on_deregistration(session, env(), event("hired")) == 1
            assert await periodic.exit_on_deregistration(session, env(), event("hired")) == 0
            certification = await session.scalar(
                select(DifficultyCertification).where(DifficultyCertification.person_id == person))
            assert certification is not None
            assert (certification.exit_reason, certification.ended_on) == ("employed", date(2026, 12, 8))

    async def test_statutory_retirement_date_ends_it(self, apps: Apps, database: Database) -> None:
        app = await certified(apps)
        async with database.transaction() as session:
            certification = await session.scalar(select(DifficultyCertification).where(
                DifficultyCertification.id == uuid.UUID(app["certificate"]["id"])))
            assert certification is not None
            # Born 1981-03-15, female_50: retires at 55 years 9 months... whatever T-RETIRE says, by that date.
            retires = certification.retirement_date
            assert await periodic.exit_on_retirement(session, env(), date.fromordinal(retires.toordinal() - 1)) == 0
            assert await periodic.exit_on_retirement(session, env(), retires) == 1
            assert certification.exit_reason == "retirement" and certification.ended_on == retires


class TestQuarterlyReview:
    async def test_failing_certifications_are_listed_and_a_result_ends_them(
        self, apps: Apps, database: Database
    ) -> None:
        app = await certified(apps)
        async with database.transaction() as session:
            certification = await session.scalar(select(DifficultyCertification).where(
                DifficultyCertification.id == uuid.UUID(app["certificate"]["id"])))
            assert certification is not None
            # The certified case, with the person declared employed now: fails ELIG-UNEMPLOYED next quarter.
            certification.case = {**certification.case, "status": {"unemployed": False, "able_to_work": True,
                                                                    "wants_work": True}}
            await session.flush()
            work = periodic.quarterly_work(default_registry(), chunk_size=1)
            job = {"period": "2027-Q1"}
            resume: Any = None
            listed = 0
            while True:
                chunk = await work(session, job, resume)  # type: ignore[arg-type]
                if chunk.resume_from is None:
                    listed = int(str(chunk.result["listed"]))
                    assert chunk.result["report_due"] == "2027-01-31"
                    break
                resume = chunk.resume_from
            assert listed >= 1
            review = await session.scalar(select(DifficultyReview).where(
                DifficultyReview.certification_id == certification.id))
            assert review is not None and review.reasons[0]["rule"] == "ELIG-UNEMPLOYED"
        listed_api = await apps.eligibility.get("/api/v1/difficulty/reviews?quarter=2027-Q1", headers=CASEWORKER)
        assert [r["id"] for r in listed_api.json()["items"]] == [str(review.id)]
        assert listed_api.json()["items"][0]["report_due"] == "2027-01-31"
        # The report is dated inside the quarter; today (2026-12-10) is before it, so refused.
        early = await apps.eligibility.post(
            f"/api/v1/difficulty/reviews/{review.id}/result",
            json={"result": "no_longer_eligible", "method": "phone", "verified_on": "2026-12-10", "reason": "就业"},
            headers=CASEWORKER,
        )
        assert early.status_code == 422 and early.json()["violations"][0]["rule"] == "DIFF-QUARTERLY"

    async def test_a_stored_case_todays_rules_cannot_read_is_listed_for_verification_by_hand(
        self, apps: Apps, database: Database
    ) -> None:
        """The quarterly run goes on past a case it cannot re-evaluate (a 3 a.m. failure otherwise)."""
        app = await certified(apps)
        async with database.transaction() as session:
            certification = await session.scalar(select(DifficultyCertification).where(
                DifficultyCertification.id == uuid.UUID(app["certificate"]["id"])))
            assert certification is not None
            certification.case = {**certification.case, "person": {"gender": "unknown"}}  # not a valid case now
            await session.flush()
            work = periodic.quarterly_work(default_registry())
            chunk = await work(session, {"period": "2027-Q1"}, None)  # type: ignore[arg-type]
            assert chunk.resume_from is None and int(str(chunk.result["listed"])) >= 1
            review = await session.scalar(select(DifficultyReview).where(
                DifficultyReview.certification_id == certification.id))
            assert review is not None
            [reason] = review.reasons
            assert (reason["rule"], reason["fact"]) == ("DIFF-QUARTERLY", "case")
            assert "请人工核实" in str(reason["reason_zh"])

    async def test_registration_data_of_the_quarters_first_day_is_read_in_batches(
        self, apps: Apps, database: Database
    ) -> None:
        app = await certified(apps)
        facts = await apps.registration.get("/api/v1/registrations/facts", headers=bearer("system", "44"),
                                            params={"person_id": app["person_id"]})
        (registration,) = facts.json()["items"]
        deregistered = await apps.registration.post(
            f"/api/v1/registrations/{registration['registration_id']}/deregistration", headers=CASEWORKER,
            json={"reason": "hired", "effective_date": "2026-12-05", "note": "入职"},
        )
        assert deregistered.status_code == 200, deregistered.text
        client = RegistrationClient("http://registration", service_settings(
            EligibilitySettings, "postgresql://unused", "redis://unused", "x"), caller="eligibility",
            transport=ASGITransport(app=apps.registration_app))
        work = periodic.quarterly_work(default_registry(), lambda: client)
        async with database.transaction() as session:
            # On 2026-10-01 (Q4) she was still registered: nothing changed yet; on 2027-01-01 she is employed.
            q4 = await work(session, {"period": "2026-Q4"}, None)  # type: ignore[arg-type]
            q1 = await work(session, {"period": "2027-Q1"}, None)  # type: ignore[arg-type]
            reviews = (await session.scalars(select(DifficultyReview).where(
                DifficultyReview.person_id == uuid.UUID(app["person_id"])))).all()
        await client.aclose()
        assert q4.result["listed"] == 0 and q1.result["listed"] == 1
        (review,) = reviews
        rules = [r["rule"] for r in review.reasons]
        assert review.quarter == "2027-Q1" and "ELIG-UNEMPLOYED" in rules
        assert any(r.get("fact") == "employed_since_latest_registration" for r in review.reasons)

    async def test_generation_request_is_a_job_and_an_unknown_quarter_404(self, apps: Apps) -> None:
        admin = bearer("admin", "44")
        bad = await apps.eligibility.post("/api/v1/difficulty/reviews/2027-Q5/generation", headers=admin)
        assert bad.status_code == 404
        ok = await apps.eligibility.post("/api/v1/difficulty/reviews/2027-Q1/generation", headers=admin)
        assert ok.status_code == 202 and ok.json()["status"] == "queued" and ok.json()["period"] == "2027-Q1"


class TestScreening:
    async def test_registered_persons_who_qualify_are_listed_once(self, apps: Apps, database: Database) -> None:
        older = woman(date(1980, 1, 10))
        young = man(date(1995, 4, 4))
        await register(apps, older, applied_at="2026-11-02T09:00:00+08:00")
        await register(apps, young, applied_at="2026-11-02T09:00:00+08:00")
        settings = service_settings(EligibilitySettings, "postgresql://unused", "redis://unused", "x")
        client = RegistrationClient("http://registration", settings, caller="eligibility",
                                    transport=ASGITransport(app=apps.registration_app))
        work = periodic.screening_work(default_registry(), lambda: client, page_size=1)
        job_id = uuid.uuid4()
        async with database.transaction() as session:
            resume: Any = None
            pages = 0
            while True:
                chunk = await work(session, {"id": job_id, "period": "2026-12-10"}, resume)  # type: ignore[arg-type]
                pages += 1
                if chunk.resume_from is None:
                    break
                resume = chunk.resume_from
        await client.aclose()
        assert pages >= 2  # paged, never one call per person
        listed = await apps.eligibility.get("/api/v1/difficulty/screening/candidates", headers=CASEWORKER)
        items = listed.json()["items"]
        assert len(items) == 1 and items[0]["categories"] == ["older_unemployed"]
        assert items[0]["reasons"][0]["rule"] == "DIFF-SCREENING"
        marked = await apps.eligibility.post(f"/api/v1/difficulty/screening/candidates/{items[0]['id']}",
                                             json={"status": "invited"}, headers=CASEWORKER)
        assert marked.status_code == 200 and marked.json()["status"] == "invited"


class TestWorkerSide:
    async def test_deregistered_event_is_consumed_once(self, apps: Apps, database: Database) -> None:
        app = await certified(apps)
        handlers = deregistration_handlers(env)
        event = RegistrationDeregistered(registration_id=uuid.uuid4(), person_id=uuid.UUID(app["person_id"]),
                                         agency_region_code=TOWN, reason="deceased", effective_date=date(2026, 12, 9))
        body = EventEnvelope(id=uuid.uuid4(), type=EventType.REGISTRATION_DEREGISTERED, source="registration",
                             occurred_at=datetime(2026, 12, 9, tzinfo=ZoneInfo("UTC")),
                             payload=event.model_dump(mode="json")).model_dump(mode="json")
        processed = eligibility_platform.processed_event
        assert await consume_event(database, processed, body, handlers) is True
        assert await consume_event(database, processed, body, handlers) is False
        async with database.transaction() as session:
            ended = (await session.scalars(select(DifficultyCertification).where(
                DifficultyCertification.person_id == uuid.UUID(app["person_id"])))).all()
            events = (await session.scalars(select(eligibility_platform.outbox.c.event_type).where(
                eligibility_platform.outbox.c.event_type == "difficulty.ended"))).all()
        assert [(c.exit_reason, c.ended_on) for c in ended] == [("deceased", date(2026, 12, 9))]
        assert len(events) == 1

    async def test_overdue_steps_are_flagged_and_reported_by_county(self, apps: Apps, database: Database) -> None:
        await submitted(apps)  # preliminary review due 2026-11-27
        async with database.transaction() as session:
            assert await periodic.flag_overdue(session, date(2026, 11, 27)) == {}
            report = await periodic.flag_overdue(session, date(2026, 11, 28))
            flagged = await session.scalar(select(DifficultyApplication.overdue_flagged_on))
        assert report == {COUNTY: {"DIFF-PRELIMINARY": 1}} and flagged == date(2026, 11, 28)

    async def test_estimated_due_dates_are_recounted_when_the_year_arrives(
        self, apps: Apps, database: Database
    ) -> None:
        app = await in_notice(apps)
        # As if the notice had ended on Thu 2026-12-24: 10 working days run into 2027, not yet published.
        due = review_due(date(2026, 12, 24), default_registry().for_region(TOWN), default_calendar())
        # The estimate keeps New Year's Day (a statutory holiday): Fri 2027-01-08.
        assert due.estimated is True and due.due_on == date(2027, 1, 8)
        async with database.transaction() as session:
            application = await session.get(DifficultyApplication, uuid.UUID(app["id"]))
            assert application is not None
            application.review_from, application.review_due, application.review_due_estimated = (
                due.start, due.due_on, True)
        # A (test) 2027 arrangement arrives that also gives Mon 4 January off: the due date moves a working day and
        # is exact.
        new_year = YearArrangement(2027, {date(2027, 1, 1): "New Year's Day", date(2027, 1, 4): "test day off"}, {},
                                   "test")
        calendar = default_calendar().replace_year(new_year)
        async with database.transaction() as session:
            moved = await certification_redater(Clock.fixed(NOW))(session, calendar)
        assert moved == 1
        again = await apps.eligibility.get(f"{PATH}/{app['id']}", headers=REVIEWER)
        assert again.json()["review_due"] == "2027-01-11" and again.json()["steps"][2]["estimated"] is False


class TestQuarterlyCron:
    async def test_first_day_of_a_quarter_requests_its_review_list_once(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = service_settings(EligibilitySettings, database_url, redis_url, f"{queue_prefix}-q")
        redis = await create_pool(RedisSettings.from_dsn(redis_url))
        try:
            wc = WorkerContext(
                "eligibility", settings, eligibility_platform, database, redis, default_registry(), CalendarHolder(),
                OutboxRelay(database, eligibility_platform.outbox, redis, source="eligibility",
                            queue_name=settings.queue_name),
                Clock.fixed(NOW),
            )
            ctx = {"worker_context": wc}
            assert await generate_quarterly_reviews(ctx, "2027-02-01") is None
            assert await generate_quarterly_reviews(ctx, "2027-04-01") == "2027-Q2"
            assert await generate_quarterly_reviews(ctx, "2027-04-01") == "2027-Q2"
            queue = settings.queue_name("eligibility")
            assert await redis.zcard(queue) == 1
            await redis.delete(queue)
        finally:
            await redis.aclose()
        job = eligibility_platform.job
        async with database.transaction() as session:
            periods = (await session.scalars(select(job.c.period).where(job.c.kind == periodic.QUARTERLY_KIND))).all()
        assert periods == ["2027-Q2"]
