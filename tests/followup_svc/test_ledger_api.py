"""The ledger through its endpoints and event handlers on real PostgreSQL and Redis: entries from
registration events, the list, contacts and their rules, generation, close, coverage and gauges."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from followup_svc.config import Settings
from followup_svc.ledger.models import LedgerEntry, LedgerRegistration
from followup_svc.ledger.tasks import ledger_batch_work
from followup_svc.models import platform
from services.followup.app import create_app
from shared.calendar import default_calendar
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.events import EventType
from shared.jobs import JobStatus, run_job
from shared.policy import PolicyRegistry
from shared.policy.packs import PACKS_DIRECTORY
from tests.followup_svc.helpers import envelope
from tests.followup_svc.ledger_support import (
    assert_counts_agree,
    consume,
    count,
    created,
    deregistered,
    deregistration_requests,
    entries_of,
    put_entry,
    register,
    run,
)
from tests.shared.test_policy import write_pack
from tests.support import bearer, running_app, service_settings

LEDGER = "/api/v1/ledger"
# Tue 2026-11-24 in Shanghai: November is open, October has ended.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CLOCK = Clock.fixed(NOW)
TOWN = "440203001"
CW = bearer("caseworker", TOWN, "cw-1")
ADMIN = bearer("admin", "44", "admin-1")


@pytest.fixture
async def client(database: Database, database_url: str, redis_url: str, queue_prefix: str
                 ) -> AsyncIterator[AsyncClient]:
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, CLOCK) as c:
        yield c


def contact(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"method": "phone", "contacted_on": "2026-11-20", "result": "reached",
                            "employment_status": "unemployed"}
    body.update(fields)
    return body


async def entry_id(database: Database, registration_id: uuid.UUID, month: date = date(2026, 11, 1)) -> str:
    return next(str(e.id) for e in await entries_of(database, registration_id) if e.month == month)


class TestEntriesFromEvents:
    async def test_a_back_dated_registration_gets_its_past_months(self, database: Database) -> None:
        registration_id = await register(database, CLOCK, date(2026, 9, 28))
        entries = await entries_of(database, registration_id)
        assert [(e.month, e.status, e.due_on) for e in entries] == [
            (date(2026, 9, 1), "pending", date(2026, 9, 30)),
            (date(2026, 10, 1), "pending", date(2026, 10, 30)),  # Sat 31 Oct is no working day
            (date(2026, 11, 1), "pending", date(2026, 11, 30)),
        ]

    async def test_deregistration_ends_the_month_and_a_replay_changes_nothing(self, database: Database) -> None:
        event = created(registered_on=date(2026, 10, 12), region=TOWN)
        await consume(database, CLOCK, envelope(EventType.REGISTRATION_CREATED, event))
        body = envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event))  # effective 2026-11-20
        assert await consume(database, CLOCK, body)
        assert not await consume(database, CLOCK, body)
        assert [e.status for e in await entries_of(database, event.registration_id)] == ["pending", "ended"]

    async def test_a_deregistration_that_overtook_the_creation_ends_the_month_at_once(
        self, database: Database
    ) -> None:
        event = created(registered_on=date(2026, 10, 12), region=TOWN)
        await consume(database, CLOCK, envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event)))
        await consume(database, CLOCK, envelope(EventType.REGISTRATION_CREATED, event))
        assert [e.status for e in await entries_of(database, event.registration_id)] == ["pending", "ended"]


class TestList:
    async def test_most_urgent_first_at_risk_scope_and_pages(self, client: AsyncClient, database: Database) -> None:
        ids = [await register(database, CLOCK, date(2026, 11, 2)) for _ in range(3)]
        done = await entry_id(database, ids[0])
        assert (await client.post(f"{LEDGER}/{done}/contacts", json=contact(), headers=CW)).status_code == 201
        response = await client.get(LEDGER, params={"month": "2026-11", "region": TOWN, "limit": 2}, headers=CW)
        assert response.status_code == 200, response.text
        page = response.json()
        assert [e["status"] for e in page["items"]] == ["pending", "pending"]
        # Tue 24 Nov: 4 working days to Mon 30 Nov, so pending entries are at risk of being missed.
        assert all(e["at_risk"] for e in page["items"]) and page["items"][0]["due_on"] == "2026-11-30"
        rest = await client.get(LEDGER, params={"month": "2026-11", "region": TOWN, "limit": 2,
                                                "cursor": page["next_cursor"]}, headers=CW)
        items = [e for e in rest.json()["items"] if e["registration_id"] in {str(i) for i in ids}]
        assert [e["status"] for e in items] == ["contacted"] and items[0]["at_risk"] is False
        assert items[0]["contacts"][0]["employment_status"] == "unemployed"
        elsewhere = await client.get(LEDGER, params={"month": "2026-11"}, headers=bearer("caseworker", "440204"))
        assert elsewhere.status_code == 200 and elsewhere.json()["items"] == []
        outside = await client.get(LEDGER, params={"region": TOWN}, headers=bearer("caseworker", "440204"))
        assert outside.status_code == 403
        bad = await client.get(LEDGER, params={"cursor": "nonsense"}, headers=CW)
        assert bad.status_code == 422 and bad.json()["code"] == "request.invalid_cursor"

    async def test_one_entry_and_the_same_403_for_missing_or_out_of_scope(
        self, client: AsyncClient, database: Database
    ) -> None:
        entry = await entry_id(database, await register(database, CLOCK, date(2026, 11, 2)))
        one = await client.get(f"{LEDGER}/{entry}", headers=bearer("reviewer", "4402"))
        assert one.status_code == 200 and one.json()["month"] == "2026-11"
        other = await client.get(f"{LEDGER}/{entry}", headers=bearer("caseworker", "440204"))
        missing = await client.get(f"{LEDGER}/{uuid.uuid4()}", headers=CW)
        assert other.status_code == missing.status_code == 403


class TestContacts:
    async def test_hired_requests_the_deregistration_once(self, client: AsyncClient, database: Database) -> None:
        registration_id = await register(database, CLOCK, date(2026, 11, 2))
        entry = await entry_id(database, registration_id)
        body = contact(employment_status="hired", employer={"name": "韶关某厂", "credit_code": "91440200MA4W00000D"})
        response = await client.post(f"{LEDGER}/{entry}/contacts", json=body, headers=CW)
        assert response.status_code == 201, response.text
        requested = response.json()["deregistration_requested"]
        assert (requested["reason"], requested["effective_date"], requested["rule"]) == (
            "hired", "2026-11-20", "FU-OUTCOME")
        again = await client.post(f"{LEDGER}/{entry}/contacts", json=body, headers=CW)
        assert again.status_code == 201
        events = await deregistration_requests(database, registration_id)
        assert len(events) == 1 and events[0]["reason"] == "hired" and events[0]["requested_by"] == "cw-1"
        read = (await client.get(f"{LEDGER}/{entry}", headers=CW)).json()
        assert read["status"] == "contacted" and read["deregistration_requested"]["rule"] == "FU-OUTCOME"

    async def test_a_retried_post_with_its_idempotency_key_records_one_contact(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await register(database, CLOCK, date(2026, 11, 2))
        entry = await entry_id(database, registration_id)
        headers = {**CW, "Idempotency-Key": "contact-retry-1"}
        first = await client.post(f"{LEDGER}/{entry}/contacts", json=contact(employment_status="hired"),
                                  headers=headers)
        retry = await client.post(f"{LEDGER}/{entry}/contacts", json=contact(employment_status="hired"),
                                  headers=headers)
        assert first.status_code == retry.status_code == 201 and first.json()["id"] == retry.json()["id"]
        assert len((await client.get(f"{LEDGER}/{entry}", headers=CW)).json()["contacts"]) == 1
        assert len(await deregistration_requests(database, registration_id)) == 1

    @pytest.mark.parametrize(("fields", "rule"), [
        ({"contacted_on": "2026-11-25"}, "FU-CONTACT-DATE"),  # tomorrow
        ({"contacted_on": "2026-10-31"}, "FU-CONTACT-DATE"),  # the month before
        ({"contacted_on": "2026-11-01"}, "FU-CONTACT-DATE"),  # before the registration on the 2nd
        ({"employment_status": None}, "FU-OUTCOME"),
        ({"employment_status": "stable_income", "monthly_income_fen": 99_999}, "DEREG-INCOME"),
        ({"employment_status": "stable_income"}, "DEREG-INCOME"),
    ])
    async def test_bad_contacts_are_422_naming_the_rule_and_write_nothing(
        self, client: AsyncClient, database: Database, fields: dict[str, Any], rule: str
    ) -> None:
        registration_id = await register(database, CLOCK, date(2026, 11, 2))
        entry = await entry_id(database, registration_id)
        response = await client.post(f"{LEDGER}/{entry}/contacts", json=contact(**fields), headers=CW)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert rule in [v["rule"] for v in problem["violations"]] and problem["detail_zh"]
        read = (await client.get(f"{LEDGER}/{entry}", headers=CW)).json()
        assert read["status"] == "pending" and read["contacts"] == []
        assert await deregistration_requests(database, registration_id) == []

    async def test_stable_income_at_the_minimum_is_accepted(self, client: AsyncClient, database: Database) -> None:
        entry = await entry_id(database, await register(database, CLOCK, date(2026, 11, 2)))
        body = contact(employment_status="stable_income", monthly_income_fen=100_000)
        response = await client.post(f"{LEDGER}/{entry}/contacts", json=body, headers=CW)
        assert response.status_code == 201 and response.json()["deregistration_requested"]["reason"] == "stable_income"

    async def test_ended_and_closed_entries_are_409(self, client: AsyncClient, database: Database) -> None:
        event = created(registered_on=date(2026, 10, 12), region=TOWN)
        await consume(database, CLOCK, envelope(EventType.REGISTRATION_CREATED, event))
        await consume(database, CLOCK, envelope(EventType.REGISTRATION_DEREGISTERED, deregistered(event)))
        ended = await entry_id(database, event.registration_id)
        response = await client.post(f"{LEDGER}/{ended}/contacts", json=contact(), headers=CW)
        assert response.status_code == 409 and response.json()["code"] == "ledger.entry_ended"
        closed = await put_entry(database, uuid.uuid4(), date(2026, 10, 1), "missed", closed=True)
        response = await client.post(f"{LEDGER}/{closed}/contacts", json=contact(contacted_on="2026-10-20"),
                                     headers=CW)
        assert response.status_code == 409 and response.json()["code"] == "ledger.entry_closed"

    async def test_unreachable_makes_the_entry_attempted(self, client: AsyncClient, database: Database) -> None:
        entry = await entry_id(database, await register(database, CLOCK, date(2026, 11, 2)))
        body = contact(result="unreachable", employment_status=None)
        assert (await client.post(f"{LEDGER}/{entry}/contacts", json=body, headers=CW)).status_code == 201
        read = (await client.get(f"{LEDGER}/{entry}", headers=CW)).json()
        assert (read["status"], read["attempts"], read["first_contacted_on"]) == ("attempted", 1, None)


class TestRefusal:
    async def test_three_unjustified_refusals_in_a_row_request_refused_services(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await register(database, CLOCK, date(2026, 9, 1))
        sep, oct_, nov = (await entry_id(database, registration_id, date(2026, 9, 1)),
                          await entry_id(database, registration_id, date(2026, 10, 1)),
                          await entry_id(database, registration_id, date(2026, 11, 1)))
        refusal = {"result": "refused", "employment_status": None}
        first = await client.post(f"{LEDGER}/{sep}/contacts", json=contact(contacted_on="2026-09-10", **refusal),
                                  headers=CW)
        justified = await client.post(f"{LEDGER}/{oct_}/contacts", headers=CW, json=contact(
            contacted_on="2026-10-05", refusal_justified=True, **refusal))
        second = await client.post(f"{LEDGER}/{oct_}/contacts", json=contact(contacted_on="2026-10-20", **refusal),
                                   headers=CW)
        third = await client.post(f"{LEDGER}/{nov}/contacts", json=contact(contacted_on="2026-11-03", **refusal),
                                  headers=CW)
        assert [r.status_code for r in (first, justified, second, third)] == [201] * 4
        # The justified refusal reset the count: only two in a row so far.
        assert third.json()["deregistration_requested"] is None
        fourth = await client.post(f"{LEDGER}/{nov}/contacts", json=contact(contacted_on="2026-11-10", **refusal),
                                   headers=CW)
        requested = fourth.json()["deregistration_requested"]
        assert (requested["reason"], requested["effective_date"], requested["rule"]) == (
            "refused_services", "2026-11-10", "FU-REFUSAL")
        assert "FU-REFUSAL" in requested["reason_explained"] and requested["reason_explained_zh"]
        assert len(await deregistration_requests(database, registration_id)) == 1


class TestGenerationAndClose:
    async def test_generation_covers_every_valid_registration_once(
        self, client: AsyncClient, database: Database
    ) -> None:
        # Registrations known from events whose November entries do not exist yet (as on the 1st).
        async with database.transaction() as session:
            ids = [uuid.uuid4() for _ in range(4)]
            session.add_all([
                LedgerRegistration(registration_id=ids[0], person_id=uuid.uuid4(), agency_region_code="440281",
                                   registered_on=date(2026, 3, 1)),
                LedgerRegistration(registration_id=ids[1], person_id=uuid.uuid4(), agency_region_code="440281",
                                   registered_on=date(2026, 11, 30)),
                LedgerRegistration(registration_id=ids[2], person_id=uuid.uuid4(), agency_region_code="440281",
                                   registered_on=date(2026, 3, 1), deregistered_on=date(2026, 11, 1),
                                   deregistration_reason="hired"),
                LedgerRegistration(registration_id=ids[3], person_id=uuid.uuid4(), agency_region_code="440281",
                                   registered_on=date(2026, 3, 1), deregistered_on=date(2026, 10, 31),
                                   deregistration_reason="hired"),
            ])
        denied = await client.post(f"{LEDGER}/months/2026-11/generation", headers=CW)
        assert denied.status_code == 403
        response = await client.post(f"{LEDGER}/months/2026-11/generation", headers=ADMIN)
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "queued"
        job = await run(database, response.json()["job_id"], CLOCK)
        assert job["result"]["created"] >= 3
        assert await count(database, LedgerEntry.registration_id.in_(ids)) == 3
        assert [e.status for e in await entries_of(database, ids[2])] == ["ended"]
        again = await client.post(f"{LEDGER}/months/2026-11/generation", headers=ADMIN)
        assert (await run(database, again.json()["job_id"], CLOCK))["result"]["created"] == 0
        await assert_counts_agree(database)

    async def test_closing_an_open_month_is_409(self, client: AsyncClient) -> None:
        response = await client.post(f"{LEDGER}/months/2026-11/close", headers=ADMIN)
        assert response.status_code == 409 and response.json()["code"] == "ledger.month_open"
        assert response.json()["violations"][0]["rule"] == "FU-MONTHLY"
        bad = await client.post(f"{LEDGER}/months/2026-13/close", headers=ADMIN)
        assert bad.status_code == 422

    async def test_close_marks_missed_and_unreachable_and_six_months_request_deregistration(
        self, client: AsyncClient, database: Database
    ) -> None:
        region = "440281001"
        pending, attempted, contacted = [await put_entry(database, uuid.uuid4(), date(2026, 10, 1), s, closed=False,
                                                         region=region)
                                         for s in ("pending", "attempted", "contacted")]
        gone, broken = uuid.uuid4(), uuid.uuid4()
        for month in range(5, 10):  # May to September closed unreachable, October attempted
            await put_entry(database, gone, date(2026, month, 1), "unreachable", closed=True, region=region)
            await put_entry(database, broken, date(2026, month, 1), "missed" if month == 7 else "unreachable",
                            closed=True, region=region)
        await put_entry(database, gone, date(2026, 10, 1), "attempted", closed=False, region=region)
        await put_entry(database, broken, date(2026, 10, 1), "attempted", closed=False, region=region)
        response = await client.post(f"{LEDGER}/months/2026-10/close", headers=ADMIN)
        assert response.status_code == 202, response.text
        job = await run(database, response.json()["job_id"], CLOCK)
        assert job["result"]["deregistrations_requested"] >= 1
        states = {(await client.get(f"{LEDGER}/{e}", headers=ADMIN)).json()["status"]
                  for e in (pending, attempted, contacted)}
        assert states == {"missed", "unreachable", "contacted"}
        (request,) = await deregistration_requests(database, gone)
        assert (request["reason"], request["effective_date"]) == ("unreachable", "2026-10-31")
        assert request["evidence"]["rule"] == "FU-UNREACHABLE"
        assert await deregistration_requests(database, broken) == []  # a missed July breaks the run
        # Run again (an entry added later): nothing asked twice, the month stays closed.
        again = await client.post(f"{LEDGER}/months/2026-10/close", headers=ADMIN)
        await run(database, again.json()["job_id"], CLOCK)
        assert len(await deregistration_requests(database, gone)) == 1
        closed = await client.post(f"{LEDGER}/{pending}/contacts", json=contact(contacted_on="2026-10-20"),
                                   headers=bearer("caseworker", region))
        assert closed.status_code == 409 and closed.json()["code"] == "ledger.entry_closed"
        # The close wrote only what it changed; the contacted entry is closed with its month all the same.
        done = (await client.get(f"{LEDGER}/{contacted}", headers=ADMIN)).json()
        assert (done["status"], done["closed"]) == ("contacted", True)
        refused = await client.post(f"{LEDGER}/{contacted}/contacts", json=contact(contacted_on="2026-10-20"),
                                    headers=bearer("caseworker", region))
        assert refused.status_code == 409 and refused.json()["code"] == "ledger.entry_closed"
        # An entry added to the closed month afterwards (a back-dated registration) stays open for contacts.
        late = await put_entry(database, uuid.uuid4(), date(2026, 10, 1), "pending", closed=False, region=region,
                               created_at=datetime.now(UTC) + timedelta(hours=1))
        assert (await client.get(f"{LEDGER}/{late}", headers=ADMIN)).json()["closed"] is False
        added = await client.post(f"{LEDGER}/{late}/contacts", json=contact(contacted_on="2026-10-20"),
                                  headers=bearer("caseworker", region))
        assert added.status_code == 201, added.text
        await assert_counts_agree(database)
        metrics = (await client.get("/metrics")).text
        assert 'jiuye_ledger_entries{month="2026-10",region="440281",status="missed"}' in metrics


class TestUnreachableCountsTheMonthsOfEachRegion:
    async def test_a_region_whose_pack_says_three_months(
        self, client: AsyncClient, database: Database, tmp_path: Path
    ) -> None:
        """FU-UNREACHABLE takes the number of months from the pack of the registration's region: a city pack
        (Lechang, 440281) that says 3 requests the deregistration where the Shaoguan pack's 6 does not."""
        for bundled in PACKS_DIRECTORY.glob("*.toml"):
            shutil.copy(bundled, tmp_path / bundled.name)
        write_pack(tmp_path, "cn-440281-test", {"unreachable_months_to_deregister": 3}, extends="cn-44-shaoguan",
                   prefixes=("440281",), effective_from=date(2020, 1, 1))
        registry = PolicyRegistry.load(tmp_path)
        assert registry.for_region("440281001").param("unreachable_months_to_deregister", date(2026, 9, 30)).value == 3
        lechang, zhenjiang = uuid.uuid4(), uuid.uuid4()
        for registration, region in ((lechang, "440281001"), (zhenjiang, "440204001")):
            for month in (7, 8):
                await put_entry(database, registration, date(2026, month, 1), "unreachable", closed=True,
                                region=region)
            await put_entry(database, registration, date(2026, 9, 1), "attempted", closed=False, region=region)
        response = await client.post(f"{LEDGER}/months/2026-09/close", headers=ADMIN)
        assert response.status_code == 202, response.text
        status = await run_job(database, platform.job, uuid.UUID(response.json()["job_id"]),
                               ledger_batch_work(registry, default_calendar, CLOCK, _no_peer))
        assert status == JobStatus.SUCCEEDED
        (request,) = await deregistration_requests(database, lechang)
        assert (request["reason"], request["evidence"]["months"]) == ("unreachable", 3)
        assert await deregistration_requests(database, zhenjiang) == []  # Shaoguan counts 6


def _no_peer() -> RegistrationClient:
    raise AssertionError("this job calls no peer")


class TestCoverage:
    async def test_counts_by_state_and_one_level_down(self, client: AsyncClient, database: Database) -> None:
        month = date(2026, 8, 1)  # a month no other test writes
        for region, status in [("440281001", "contacted"), ("440281001", "pending"), ("440281002", "attempted"),
                               ("440281002", "ended"), ("440282101", "contacted")]:
            await put_entry(database, uuid.uuid4(), month, status, closed=False, region=region)
        response = await client.get(f"{LEDGER}/coverage", params={"month": "2026-08", "region": "440281"},
                                    headers=bearer("reviewer", "4402"))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["required"], body["contacted"], body["pending"], body["attempted"], body["coverage"]) == (
            3, 1, 1, 1, 0.3333)
        assert [(r["region"], r["required"], r["coverage"]) for r in body["by_region"]] == [
            ("440281001", 2, 0.5), ("440281002", 1, 0.0)]
        city = (await client.get(f"{LEDGER}/coverage", params={"month": "2026-08", "region": "4402"},
                                 headers=bearer("reviewer", "4402"))).json()
        assert [(r["region"], r["contacted"]) for r in city["by_region"]] == [("440281", 1), ("440282", 1)]
        await assert_counts_agree(database)
        outside = await client.get(f"{LEDGER}/coverage", params={"month": "2026-08", "region": "4403"},
                                   headers=bearer("reviewer", "4402"))
        assert outside.status_code == 403


class TestCitesThePackOfTheRegistrationsRegion:
    @pytest.mark.parametrize(("town", "outcome", "monthly"), [
        (TOWN, "《韶关市登记失业人员跟踪服务工作方案》二(二)1；人社厅发〔2020〕3号",
         "《韶关市登记失业人员跟踪服务工作方案》二(二)1"),
        ("620102001", "甘人社通〔2020〕111号 五", "甘人社通〔2020〕111号 五"),
    ])
    async def test_contacts_cite_the_regions_clauses(self, client: AsyncClient, database: Database, town: str,
                                                     outcome: str, monthly: str) -> None:
        caseworker = bearer("caseworker", town, "cw-1")
        entry = await entry_id(database, await register(database, CLOCK, date(2026, 11, 2), town))
        late = await client.post(f"{LEDGER}/{entry}/contacts", json=contact(contacted_on="2026-11-25"),
                                 headers=caseworker)
        assert late.status_code == 422, late.text
        (violation,) = late.json()["violations"]
        assert violation["rule"] == "FU-CONTACT-DATE"
        assert violation["message_zh"].endswith(f"（FU-CONTACT-DATE，{monthly}）")
        hired = await client.post(f"{LEDGER}/{entry}/contacts", json=contact(employment_status="hired"),
                                  headers=caseworker)
        assert hired.status_code == 201, hired.text
        assert hired.json()["deregistration_requested"]["source"] == outcome
        read = (await client.get(f"{LEDGER}/{entry}", headers=caseworker)).json()
        assert read["contacts"][0]["deregistration_requested"]["source"] == outcome
