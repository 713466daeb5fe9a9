"""FU-DATA-MATCH through the real registration app: its bulk reference-data endpoint answers a page of persons
in one call, the follow-up batch records a data_match contact for every open entry and requests the
deregistrations the matches call for, once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select

from followup_svc.config import Settings as FollowupSettings
from followup_svc.models import RevisitSlot
from followup_svc.models import platform as followup_platform
from registration_svc.config import Settings as RegistrationSettings
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.events import EventType
from shared.jobs import JobStatus, run_job
from tests.followup_svc.assisted_support import consume, submitted
from tests.followup_svc.ledger_support import (
    assert_counts_agree,
    batch_work,
    deregistration_requests,
    put_entry,
    run,
)
from tests.integration.e2e_support import id_number
from tests.support import bearer, running_app, service_settings

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CLOCK = Clock.fixed(NOW)
SYSTEM = bearer("system", "44", "followup")
ADMIN = bearer("admin", "44", "admin-1")
CSV = {"content-type": "text/csv"}
TOWN = "440283001"


@pytest.fixture
async def peers(database: Database, database_url: str, redis_url: str, queue_prefix: str
                ) -> AsyncIterator[tuple[AsyncClient, AsyncClient, RegistrationClient]]:
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    fu_settings = service_settings(FollowupSettings, database_url, redis_url, queue_prefix)
    registration_app = create_registration_app(settings=reg_settings, database=database, clock=CLOCK,
                                               configure_logs=False)
    async with registration_app.router.lifespan_context(registration_app):
        transport = ASGITransport(app=registration_app, raise_app_exceptions=False)
        async with (
            AsyncClient(transport=transport, base_url="http://registration") as registration,
            running_app(create_followup_app, fu_settings, database, CLOCK) as followup,
        ):
            client = RegistrationClient("http://registration", fu_settings, caller="followup", transport=transport)
            try:
                yield registration, followup, client
            finally:
                await client.aclose()


async def person(registration: AsyncClient, born: date) -> tuple[uuid.UUID, str]:
    number = id_number(born, "440283")
    response = await registration.put("/api/v1/persons", headers=SYSTEM,
                                      json={"id_type": "resident_id", "id_number": number, "name": "王五"})
    assert response.status_code in (200, 201), response.text
    return uuid.UUID(response.json()["id"]), number


class TestReferenceMatches:
    async def test_one_call_answers_a_page_of_persons(
        self, peers: tuple[AsyncClient, AsyncClient, RegistrationClient]
    ) -> None:
        registration, _, client = peers
        (hired, hired_no), (other, _) = await person(registration, date(1990, 2, 3)), await person(
            registration, date(1991, 4, 5))
        csv = f"id_number,kind,status,valid_from,valid_to\n{hired_no},employment_contribution,active,2026-11-01,\n"
        loaded = await registration.put("/api/v1/reference-data/social_insurance", content=csv.encode(),
                                        headers={**ADMIN, **CSV})
        assert loaded.status_code == 200, loaded.text
        matches = await client.reference_matches([hired, other], date(2026, 11, 20))
        assert [(m.person_id, m.kind) for m in matches] == [(hired, "employment_contribution")]
        assert await client.reference_matches([hired], date(2026, 10, 31)) == []  # not yet in force
        denied = await registration.post("/api/v1/reference-data/matches", headers=bearer("caseworker", "44"),
                                         json={"person_ids": [str(hired)], "on": "2026-11-20"})
        assert denied.status_code == 403


class TestDataMatchRun:
    async def test_every_open_entry_gets_a_contact_and_matches_request_deregistration(
        self, peers: tuple[AsyncClient, AsyncClient, RegistrationClient], database: Database
    ) -> None:
        registration, followup, client = peers
        (hired, hired_no), (dead, dead_no), (idle, _), (ended, _) = [
            await person(registration, date(1980 + i, 1, 10)) for i in range(4)]
        await registration.put("/api/v1/reference-data/social_insurance", headers={**ADMIN, **CSV}, content=(
            f"id_number,kind,status,valid_from,valid_to\n{hired_no},employment_filing,active,2026-11-02,\n").encode())
        await registration.put("/api/v1/reference-data/civil_affairs", headers={**ADMIN, **CSV}, content=(
            f"id_number,kind,status,valid_from,valid_to\n{dead_no},death,active,2026-11-05,\n").encode())
        registrations = {name: uuid.uuid4() for name in ("hired", "dead", "idle", "ended")}
        entries = {
            name: await put_entry(database, registrations[name], date(2026, 11, 1),
                                  "ended" if name == "ended" else "pending", closed=False, region=TOWN,
                                  person_id=pid)
            for name, pid in (("hired", hired), ("dead", dead), ("idle", idle), ("ended", ended))
        }
        # `hired` is an assisted person (Tier I): work the data match finds starts the revisits (FU-REVISIT).
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(hired, date(2026, 10, 12), date(2026, 11, 9), TOWN))
        future = await followup.post("/api/v1/data-match/runs", json={"month": "2026-12"}, headers=ADMIN)
        assert future.status_code == 409 and future.json()["code"] == "ledger.month_not_started"
        response = await followup.post("/api/v1/data-match/runs", json={"month": "2026-11"}, headers=ADMIN)
        assert response.status_code == 202, response.text
        job = await run(database, response.json()["job_id"], CLOCK, lambda: client)
        assert job["result"]["rule"] == "FU-DATA-MATCH" and job["result"]["contacted_on"] == "2026-11-24"
        assert job["result"]["matched"] >= 2
        async with database.transaction() as session:
            slots = (await session.execute(select(RevisitSlot.person_id, RevisitSlot.sequence, RevisitSlot.due_on)
                                           .where(RevisitSlot.person_id.in_([hired, idle, dead])))).all()
        assert {(p, d) for p, n, d in slots if n == 1} == {(hired, date(2026, 12, 24))} and len(slots) == 8
        views = {name: (await followup.get(f"/api/v1/ledger/{entry}", headers=ADMIN)).json()
                 for name, entry in entries.items()}
        assert views["idle"]["status"] == "contacted"
        (contact,) = views["idle"]["contacts"]
        assert (contact["method"], contact["result"], contact["employment_status"]) == (
            "data_match", "reached", "unemployed")
        assert contact["deregistration_requested"] is None
        assert views["hired"]["contacts"][0]["deregistration_requested"]["rule"] == "FU-DATA-MATCH"
        assert views["ended"]["contacts"] == []
        assert [e["reason"] for e in await deregistration_requests(database, registrations["hired"])] == ["hired"]
        (dead_request,) = await deregistration_requests(database, registrations["dead"])
        assert (dead_request["reason"], dead_request["effective_date"]) == ("deceased", "2026-11-24")
        assert await deregistration_requests(database, registrations["idle"]) == []
        # Run again: nothing is compared twice, nothing asked twice.
        again = await followup.post("/api/v1/data-match/runs", json={"month": "2026-11"}, headers=ADMIN)
        await run(database, again.json()["job_id"], CLOCK, lambda: client)
        views = {name: (await followup.get(f"/api/v1/ledger/{entry}", headers=ADMIN)).json()
                 for name, entry in entries.items()}
        assert [len(views[n]["contacts"]) for n in ("hired", "dead", "idle")] == [1, 1, 1]
        assert len(await deregistration_requests(database, registrations["hired"])) == 1
        await assert_counts_agree(database)


class TestPeerDown:
    async def test_a_registration_service_that_does_not_answer_fails_the_run_and_writes_nothing(
        self, peers: tuple[AsyncClient, AsyncClient, RegistrationClient], database: Database, database_url: str,
        redis_url: str, queue_prefix: str,
    ) -> None:
        _, followup, _ = peers
        registration_id = uuid.uuid4()
        entry = await put_entry(database, registration_id, date(2026, 11, 1), "pending", closed=False, region=TOWN)
        settings = service_settings(FollowupSettings, database_url, redis_url, queue_prefix)
        down = RegistrationClient("http://127.0.0.1:9", settings, caller="followup")  # nothing listens there
        response = await followup.post("/api/v1/data-match/runs", json={"month": "2026-11"}, headers=ADMIN)
        job_id = uuid.UUID(response.json()["job_id"])
        try:
            status = await run_job(database, followup_platform.job, job_id, batch_work(CLOCK, lambda: down))
        finally:
            await down.aclose()
        assert status == JobStatus.FAILED
        job = (await followup.get(f"/api/v1/jobs/{job_id}", headers=ADMIN)).json()
        assert job["status"] == "failed" and "registration" in job["error"]
        view = (await followup.get(f"/api/v1/ledger/{entry}", headers=ADMIN)).json()
        assert (view["status"], view["contacts"]) == ("pending", [])
