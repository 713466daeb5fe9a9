"""FU-TIER from the difficulty.* events and the services recorded, tier changes, the daily overdue report, and
FU-REVISIT revisits owed, made and listed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from followup_svc.assistance.tasks import flag_overdue_assistance, with_assisted_dues
from followup_svc.config import Settings
from followup_svc.first_contact.tasks import first_contact_redater
from followup_svc.models import Assistance, RevisitSlot, platform
from followup_svc.revisit.service import schedule_revisits
from services.followup.app import create_app
from shared.calendar import default_calendar
from shared.calendar_store import calendar_year_handler
from shared.clock import Clock
from shared.db import Database
from shared.events import CalendarYearReplaced, EventEnvelope, EventType
from shared.outbox import consume_event
from shared.policy import default_registry
from tests.followup_svc.assisted_support import (
    HANDLERS,
    TOWN,
    certified,
    consume,
    decided,
    ended,
    registered_person,
    submitted,
)
from tests.followup_svc.helpers import envelope
from tests.followup_svc.ledger_support import put_entry
from tests.support import bearer, running_app, service_settings

NOW = datetime(2026, 11, 24, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
CW = bearer("caseworker", TOWN, "cw-1")
POLICY = {"name": "社会保险补贴", "target_group": "就业困难人员", "content": "按实际缴费给予补贴",
          "conditions": "灵活就业并缴纳社保", "accepting_agency": "浈江区公共就业服务中心"}
SERVICE = {"item": "职业指导", "target": "登记失业人员", "content": "一对一职业指导"}


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, Clock.fixed(NOW)) as c:
        yield c


async def assistance(client: AsyncClient, person: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"/api/v1/persons/{person}/assistance", headers=CW)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def table(body: dict[str, Any]) -> dict[tuple[str, str], tuple[int, int, str, str]]:
    return {(r["tier"], r["kind"]): (r["required"], r["delivered"], r["due_on"], r["status"])
            for r in body["requirements"]}


async def give(client: AsyncClient, person: uuid.UUID, kind: str, on: str) -> None:
    response = await client.post(f"/api/v1/persons/{person}/services",
                                 json={"kind": kind, "delivered_on": on}, headers=CW)
    assert response.status_code == 201, response.text


async def publish_lists(client: AsyncClient) -> None:
    admin = bearer("admin", "440203", "admin-1")
    assert (await client.put("/api/v1/lists/policies", json={"items": [POLICY]}, headers=admin)).status_code == 200
    assert (await client.put("/api/v1/lists/services", json={"items": [SERVICE]}, headers=admin)).status_code == 200


class TestTierI:
    async def test_application_starts_tier1_and_the_services_meet_it(self, client: AsyncClient,
                                                                     database: Database) -> None:
        person = await registered_person(database)
        assert (await assistance(client, person))["tier"] is None  # no event yet: simply no tier
        event = submitted(person, date(2026, 11, 10), date(2026, 12, 8))
        assert await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED, event)
        body = await assistance(client, person)
        assert (body["tier"], body["since"]) == ("I", "2026-11-10")
        assert table(body) == {
            ("I", "career_guidance"): (1, 0, "2026-12-08", "open"),
            ("I", "policy_list"): (1, 0, "2026-12-08", "open"),
            ("I", "service_list"): (1, 0, "2026-12-08", "open"),
            ("I", "job_recommendation"): (3, 0, "2026-12-08", "open"),
        }
        plan = "《韶关市登记失业人员跟踪服务工作方案》六(五)"
        assert all(r["rule"] == "FU-TIER" and plan in r["source"] for r in body["requirements"])

        await publish_lists(client)
        await give(client, person, "career_guidance", "2026-11-09")  # before the application: not counted
        for kind, on in (("career_guidance", "2026-11-11"), ("policy_list", "2026-11-12"),
                         ("service_list", "2026-11-12"), ("job_recommendation", "2026-11-13"),
                         ("job_recommendation", "2026-11-17"), ("job_recommendation", "2026-11-20"),
                         ("job_recommendation", "2026-11-21")):
            await give(client, person, kind, on)
        met = table(await assistance(client, person))
        assert {status for *_, status in met.values()} == {"met"}
        assert met[("I", "job_recommendation")][:2] == (3, 3)

    async def test_a_service_for_a_person_known_only_by_the_application(self, client: AsyncClient,
                                                                         database: Database) -> None:
        person = uuid.uuid4()  # no registration reached followup; the application makes them known
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(person, date(2026, 11, 10), date(2026, 12, 8)))
        await give(client, person, "career_guidance", "2026-11-20")
        assert table(await assistance(client, person))[("I", "career_guidance")][3] == "met"

    async def test_same_event_twice_is_handled_once_and_rejection_ends_tier1(self, client: AsyncClient,
                                                                              database: Database) -> None:
        person = await registered_person(database)
        event = submitted(person, date(2026, 11, 10), date(2026, 12, 8))
        body = envelope(EventType.DIFFICULTY_APPLICATION_SUBMITTED, event)
        assert await consume_event(database, platform.processed_event, body, HANDLERS) is True
        assert await consume_event(database, platform.processed_event, body, HANDLERS) is False
        await consume(database, EventType.DIFFICULTY_DECIDED, decided(event, date(2026, 11, 20), certified=False))
        after = await assistance(client, person)
        assert (after["tier"], after["ended_on"], after["end_reason"], after["requirements"]) == (
            None, "2026-11-20", "not_certified", [])

    async def test_a_new_application_after_the_end_starts_tier1_again(self, client: AsyncClient,
                                                                     database: Database) -> None:
        person = await registered_person(database)
        first = submitted(person, date(2026, 9, 1), date(2026, 9, 29))
        certification = certified(first, date(2026, 9, 20))
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED, first)
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certification)
        await consume(database, EventType.DIFFICULTY_ENDED, ended(certification, date(2026, 10, 30), "voluntary"))
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(person, date(2026, 11, 16), date(2026, 12, 14)))
        body = await assistance(client, person)
        assert (body["tier"], body["since"], body["ended_on"], body["end_reason"]) == ("I", "2026-11-16", None, None)
        assert {r["tier"] for r in body["requirements"]} == {"I"}
        assert {r["due_on"] for r in body["requirements"]} == {"2026-12-14"}

    async def test_unknown_person_is_404(self, client: AsyncClient) -> None:
        response = await client.get(f"/api/v1/persons/{uuid.uuid4()}/assistance", headers=CW)
        assert response.status_code == 404 and response.json()["violations"][0]["rule"] == "FU-TIER"


class TestTiersIIAndIII:
    async def test_certification_at_tier2_then_escalation_to_tier3(self, client: AsyncClient,
                                                                   database: Database) -> None:
        person = await registered_person(database)
        application = submitted(person, date(2026, 10, 12), date(2026, 11, 9))
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED, application)
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certified(application, date(2026, 11, 2)))
        body = await assistance(client, person)
        assert (body["tier"], body["since"], body["priority_public_welfare_post"]) == ("II", "2026-11-02", False)
        rows = table(body)
        # Tier I's basic help was due by 9 Nov and is overdue; Tier II's three further are due 2 Dec (1 month).
        assert rows[("I", "career_guidance")] == (1, 0, "2026-11-09", "overdue")
        assert rows[("II", "job_recommendation")] == (3, 0, "2026-12-02", "open")

        no_reason = await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "III"},
                                     headers=CW)
        assert no_reason.status_code == 422
        assert (no_reason.json()["violations"][0]["rule"], no_reason.json()["violations"][0]["field"]) == (
            "FU-TIER", "reason")
        blank = await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "III", "reason": " "},
                                 headers=CW)
        assert blank.status_code == 422
        tier1 = await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "I", "reason": "x"},
                                 headers=CW)
        assert tier1.status_code == 422 and tier1.json()["code"] == "followup.tier_not_settable"

        up = await client.put(f"/api/v1/persons/{person}/assistance/tier",
                              json={"tier": "III", "reason": "58 岁，腿部残疾", "ground": "disability"}, headers=CW)
        assert up.status_code == 200, up.text
        escalated = up.json()
        assert (escalated["tier"], escalated["since"], escalated["priority_public_welfare_post"]) == (
            "III", TODAY.isoformat(), True)
        assert "58 岁" in escalated["tier_reason"] and "disability" in escalated["tier_reason"]
        # 10 working days after Tue 24 Nov 2026.
        assert table(escalated)[("III", "personal_plan")] == (1, 0, "2026-12-08", "open")
        await give(client, person, "personal_plan", TODAY.isoformat())
        assert table(await assistance(client, person))[("III", "personal_plan")][3] == "met"

    async def test_tier_change_needs_a_certified_person(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        none = await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "III", "reason": "age"},
                                headers=CW)
        assert none.status_code == 409 and none.json()["code"] == "followup.tier_change_not_allowed"
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(person, date(2026, 11, 10), date(2026, 12, 8)))
        tier1 = await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "III", "reason": "age"},
                                 headers=CW)
        assert tier1.status_code == 409
        assert (await client.put(f"/api/v1/persons/{person}/assistance/tier", json={"tier": "III", "reason": "a"},
                                 headers=bearer("reviewer", TOWN))).status_code == 403

    async def test_certified_at_tier3_and_training_wish(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        survey = {"employment_history": [], "unemployment_reason": "factory closed", "education": "primary",
                  "skills": [], "health": "disabled", "disability": "visual", "wants_training": True,
                  "wants_entrepreneurship": False, "wants_work_now": True}
        assert (await client.put(f"/api/v1/persons/{person}/survey", json=survey, headers=CW)).status_code == 200
        application = submitted(person, date(2026, 11, 2), date(2026, 11, 30))
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certified(application, date(2026, 11, 16), tier=3))
        # The application event arrives after the certification: Tier III stays, Tier I's items appear.
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED, application)
        body = await assistance(client, person)
        assert body["tier"] == "III"
        rows = table(body)
        assert rows[("II", "training_referral")] == (1, 0, "2026-12-16", "open")
        assert ("II", "entrepreneurship_service") not in rows
        assert rows[("III", "personal_plan")] == (1, 0, "2026-11-30", "open")
        assert rows[("I", "job_recommendation")] == (3, 0, "2026-11-30", "open")

    async def test_end_of_certification_ends_the_tiers(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        application = submitted(person, date(2026, 10, 12), date(2026, 11, 9))
        certification = certified(application, date(2026, 11, 2))
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certification)
        await consume(database, EventType.DIFFICULTY_ENDED, ended(certification, date(2026, 11, 20),
                                                                   "stopped_seeking"))
        body = await assistance(client, person)
        assert (body["tier"], body["ended_on"], body["end_reason"], body["requirements"]) == (
            None, "2026-11-20", "stopped_seeking", [])
        # Not for employment: no revisits.
        due = await client.get("/api/v1/revisits/due", params={"before": "2027-12-31"}, headers=CW)
        assert [s for s in due.json()["items"] if s["person_id"] == str(person)] == []


class TestOverdueJob:
    # Page sizes: the job's own, and one person per page (each page its own transaction; none is missed).
    @pytest.mark.parametrize("page_size", [1000, 1])
    async def test_flags_overdue_requirements_and_reports_them_upward(
        self, database: Database, page_size: int
    ) -> None:
        late = await registered_person(database, "440203001")
        other = await registered_person(database, "440204002")
        fine = await registered_person(database, "440203001")
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(late, date(2026, 10, 12), date(2026, 11, 9)))
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(other, date(2026, 10, 12), date(2026, 11, 9), region="440204002"))
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(fine, date(2026, 11, 20), date(2026, 12, 18)))
        counts = await flag_overdue_assistance(database, date(2026, 11, 10), default_registry(), page_size)
        # Four Tier I requirements overdue for each late person, totalled at every level above the town.
        assert counts == {"440203001": 4, "440203": 4, "440204002": 4, "440204": 4, "4402": 8, "44": 8}
        # The due day itself is not overdue.
        assert await flag_overdue_assistance(database, date(2026, 11, 9), default_registry(), page_size) == {}
        async with database.transaction() as session:
            flagged = dict((await session.execute(select(Assistance.person_id, Assistance.overdue_flagged_on)
                                                  .where(Assistance.person_id.in_([late, fine])))).all())
        assert flagged == {late: date(2026, 11, 10), fine: None}


class TestRevisits:
    async def _employed(self, database: Database, started: date, region: str = TOWN) -> uuid.UUID:
        person = await registered_person(database, region)
        application = submitted(person, date(2026, 8, 3), date(2026, 8, 31), region)
        certification = certified(application, date(2026, 8, 24))
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certification)
        await consume(database, EventType.DIFFICULTY_ENDED, ended(certification, started, "employed"))
        return person

    async def test_finding_work_schedules_person_and_employer_revisits(self, client: AsyncClient,
                                                                       database: Database) -> None:
        person = await self._employed(database, date(2026, 9, 15))
        due = await client.get("/api/v1/revisits/due", params={"region": TOWN, "before": "2027-12-31"},
                               headers=CW)
        assert due.status_code == 200, due.text
        mine = [s for s in due.json()["items"] if s["person_id"] == str(person)]
        assert sorted((s["target"], s["sequence"], s["months_after_start"], s["due_on"]) for s in mine) == [
            ("employer", 1, 1, "2026-10-15"), ("employer", 2, 4, "2027-01-15"),
            ("employer", 3, 7, "2027-04-15"), ("employer", 4, 10, "2027-07-15"),
            ("person", 1, 1, "2026-10-15"), ("person", 2, 4, "2027-01-15"),
            ("person", 3, 7, "2027-04-15"), ("person", 4, 10, "2027-07-15"),
        ]
        first = next(s for s in mine if s["target"] == "person" and s["sequence"] == 1)
        assert first["overdue"] is True and first["rule"] == "FU-REVISIT"
        # A Shaoguan person: the Guangdong pack's revisit clause (local practice: the Shaoguan plan has no
        # revisits), never the Gansu notice.
        assert first["source"].startswith("本地经办做法（可配置）；就业后1个月内首次回访")
        assert "甘人社通" not in first["source"]
        # due on or before today only, by default
        today_only = await client.get("/api/v1/revisits/due", headers=CW)
        assert {s["sequence"] for s in today_only.json()["items"] if s["person_id"] == str(person)} == {1}

    async def test_a_ledger_contact_that_finds_an_assisted_person_hired_schedules_the_revisits(
        self, client: AsyncClient, database: Database
    ) -> None:
        """FU-REVISIT from a monthly contact, not only from a certification's end or a recommendation."""
        person, other = await registered_person(database), await registered_person(database)
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(person, date(2026, 10, 12), date(2026, 11, 9)))
        entries = {}
        for who in (person, other):  # `other` was never assisted: found at work, nothing to revisit
            entries[who] = await put_entry(database, uuid.uuid4(), date(2026, 11, 1), "pending", closed=False,
                                           region=TOWN, person_id=who)
        for who in (person, other):
            response = await client.post(f"/api/v1/ledger/{entries[who]}/contacts", headers=CW, json={
                "method": "phone", "contacted_on": "2026-11-20", "result": "reached", "employment_status": "hired",
                "employer": {"name": "韶关某电子厂"}})
            assert response.status_code == 201, response.text
            assert response.json()["deregistration_requested"]["reason"] == "hired"
        due = await client.get("/api/v1/revisits/due", params={"region": TOWN, "before": "2027-12-31"}, headers=CW)
        slots = [s for s in due.json()["items"] if s["person_id"] in (str(person), str(other))]
        assert {(s["person_id"], s["target"], s["sequence"], s["due_on"]) for s in slots if s["sequence"] == 1} == {
            (str(person), "person", 1, "2026-12-21"), (str(person), "employer", 1, "2026-12-21")}
        assert len(slots) == 8  # four to the person, four to the employer, within 12 months of starting work
        # The monthly contact is part of the person's history, as the issue asks ("with the monthly contacts").
        history = (await client.get(f"/api/v1/persons/{person}/timeline", headers=CW)).json()["items"]
        assert [(i["on"], i["kind"], i["detail"], i["by"]) for i in history if i["type"] == "ledger_contact"] == [
            ("2026-11-20", "phone", "2026-11 reached hired", "cw-1")]

    async def test_employer_revisit_with_problems_opens_a_follow_up_action(self, client: AsyncClient,
                                                                          database: Database) -> None:
        person = await self._employed(database, date(2026, 9, 15))
        body = {"target": "employer", "visited_on": "2026-10-14", "employed": True,
                "employment": {"hours_per_week": 50, "workload": "heavy", "contract_signed": False,
                               "social_insurance": True, "wages_paid_on_time": True},
                "issues": "", "actions": "协调用人单位补签劳动合同"}
        response = await client.post(f"/api/v1/persons/{person}/revisits", json=body, headers=CW)
        assert response.status_code == 201, response.text
        made = response.json()
        assert made["fulfils"]["sequence"] == 1 and made["fulfils"]["target"] == "employer"
        action = made["follow_up_action"]
        assert action["problems"] == ["no_contract", "long_hours", "heavy_workload"]
        assert (action["action"], action["status"]) == ("协调用人单位补签劳动合同", "open")
        due = await client.get("/api/v1/revisits/due", params={"before": "2026-10-31"}, headers=CW)
        open_ones = {(s["target"], s["sequence"]) for s in due.json()["items"] if s["person_id"] == str(person)}
        assert open_ones == {("person", 1)}
        timeline = await client.get(f"/api/v1/persons/{person}/timeline", headers=CW)
        kinds = [(i["type"], i["kind"]) for i in timeline.json()["items"]]
        assert ("revisit", "employer") in kinds and ("follow_up_action", "open") in kinds
        assert ("tier", "assistance_ended") in kinds

    async def test_clean_person_revisit_opens_nothing(self, client: AsyncClient, database: Database) -> None:
        person = await self._employed(database, date(2026, 9, 15))
        response = await client.post(f"/api/v1/persons/{person}/revisits", json={
            "target": "person", "visited_on": "2026-10-10", "employed": True, "employment": None,
            "issues": "", "actions": ""}, headers=CW)
        assert response.status_code == 201 and response.json()["follow_up_action"] is None

    async def test_bad_revisits_are_422_naming_the_field(self, client: AsyncClient, database: Database) -> None:
        person = await self._employed(database, date(2026, 9, 15))
        no_findings = await client.post(f"/api/v1/persons/{person}/revisits", json={
            "target": "employer", "visited_on": "2026-10-14", "employed": True, "employment": None}, headers=CW)
        assert no_findings.status_code == 422
        assert [(v["rule"], v["field"]) for v in no_findings.json()["violations"]] == [("FU-REVISIT", "employment")]
        future = await client.post(f"/api/v1/persons/{person}/revisits", json={
            "target": "person", "visited_on": "2026-11-25", "employed": True}, headers=CW)
        assert future.status_code == 422 and future.json()["violations"][0]["field"] == "visited_on"
        unknown = await client.post(f"/api/v1/persons/{uuid.uuid4()}/revisits", json={
            "target": "person", "visited_on": "2026-11-20", "employed": True}, headers=CW)
        assert unknown.status_code == 404 and unknown.json()["violations"][0]["rule"] == "FU-REVISIT"

    async def test_schedule_revisits_is_idempotent_and_only_for_assisted_persons(self, database: Database) -> None:
        person = await self._employed(database, date(2026, 9, 15))
        stranger = await registered_person(database)
        async with database.transaction() as session:
            again = await schedule_revisits(session, person, date(2026, 9, 15), default_registry(), default_calendar())
            nothing = await schedule_revisits(session, stranger, date(2026, 9, 15), default_registry(),
                                              default_calendar())
            count = (await session.execute(select(func.count()).select_from(RevisitSlot)
                                           .where(RevisitSlot.person_id == person))).scalar_one()
        assert (len(again), nothing, count) == (8, [], 8)

    async def test_region_scope_of_the_due_list(self, client: AsyncClient, database: Database) -> None:
        await self._employed(database, date(2026, 9, 15))
        outside = await client.get("/api/v1/revisits/due", params={"region": "440204"}, headers=CW)
        assert outside.status_code == 403
        neighbour = await client.get("/api/v1/revisits/due", headers=bearer("caseworker", "440204"))
        assert neighbour.status_code == 200 and neighbour.json()["items"] == []


class TestRedateOnANewYear:
    async def test_estimated_tier_and_revisit_dates_move_when_the_year_is_published(self, database: Database) -> None:
        person = await registered_person(database)
        application = submitted(person, date(2026, 12, 1), date(2026, 12, 15))
        certification = certified(application, date(2026, 12, 28), tier=3)
        await consume(database, EventType.DIFFICULTY_CERTIFIED, certification)
        async with database.transaction() as session:
            row = await session.get(Assistance, person)
            assert row is not None
            # 2027 is not published yet: counted on the estimate (weekends and the statutory holidays, here
            # New Year's Day) and marked estimated.
            assert (row.tier2_due_on, row.tier2_due_estimated) == (date(2027, 1, 28), True)
            assert (row.tier3_plan_due_on, row.tier3_plan_due_estimated) == (date(2027, 1, 12), True)
            await schedule_revisits(session, person, date(2026, 12, 28), default_registry(), default_calendar())
        # The published arrangement differs from the estimate by two days off: 4 January (moves the plan due
        # date a day) and 28 January (moves the month-counted dates to the next working day).
        payload = CalendarYearReplaced(
            year=2027, holidays={"2027-01-01": "元旦", "2027-01-04": "元旦（试验安排）", "2027-01-28": "试验休息日"},
            makeup_workdays={}, source="test arrangement", updated_by="admin-1",
        )
        event = EventEnvelope(id=uuid.uuid4(), type=EventType.CALENDAR_YEAR_REPLACED, source="subsidy",
                              occurred_at=datetime.now(UTC), payload=payload.model_dump(mode="json"))
        handler = calendar_year_handler(platform.calendar_year, with_assisted_dues(first_contact_redater(Clock())))
        async with database.transaction() as session:
            await handler(session, event)
        async with database.transaction() as session:
            row = await session.get(Assistance, person, populate_existing=True)
            assert row is not None
            assert (row.tier2_due_on, row.tier2_due_estimated) == (date(2027, 1, 29), False)
            assert (row.tier3_plan_due_on, row.tier3_plan_due_estimated) == (date(2027, 1, 13), False)
            first = (await session.execute(select(RevisitSlot.due_on, RevisitSlot.due_estimated).where(
                RevisitSlot.person_id == person, RevisitSlot.sequence == 1))).all()
        # The first revisits fall in 2027 (known now); the later ones too.
        assert set(first) == {(date(2027, 1, 29), False)}


GANSU_TOWN = "620102001"
GANSU_CW = bearer("caseworker", GANSU_TOWN, "cw-gansu")


class TestGansuCitesTheGansuNotice:
    """A person of a Gansu office is shown 甘人社通〔2020〕111号, not the Shaoguan plan (FU-TIER, FU-REVISIT)."""

    async def test_tier_requirements(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database, GANSU_TOWN)
        assert await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                             submitted(person, date(2026, 11, 10), date(2026, 12, 8), GANSU_TOWN))
        response = await client.get(f"/api/v1/persons/{person}/assistance", headers=GANSU_CW)
        assert response.status_code == 200, response.text
        requirements = response.json()["requirements"]
        assert requirements and all(r["source"] == "甘人社通〔2020〕111号 四(五)、四(二)" for r in requirements)
        assert not any("韶关" in r["reason_zh"] for r in requirements)

    async def test_revisits(self, client: AsyncClient, database: Database) -> None:
        person = await TestRevisits()._employed(database, date(2026, 9, 15), GANSU_TOWN)
        due = await client.get("/api/v1/revisits/due", params={"region": GANSU_TOWN, "before": "2027-12-31"},
                               headers=GANSU_CW)
        assert due.status_code == 200, due.text
        mine = [s for s in due.json()["items"] if s["person_id"] == str(person)]
        assert len(mine) == 8
        assert all(s["source"].startswith("甘人社通〔2020〕111号 四(五)3（回访本人、回访用人单位）；") for s in mine)
