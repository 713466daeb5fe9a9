"""End to end through the real registration, eligibility and subsidy apps and the real subsidy worker, on committing
databases: a person registered as unemployed is certified with employment difficulty (the eligibility service's
workflow), files a skill-subsidy claim with the living allowance (SUB-ALLOWANCE-GROUP asks the eligibility service),
it is reviewed, the notice ends, a batch pays it, and a replayed bank file and a second batch pay nothing more."""

from __future__ import annotations

import functools
import io
import random
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any, cast

import pytest

pytest.importorskip("eligibility_svc.certification",
                    reason="the difficulty certification workflow (eligibility_svc/certification) is not here yet")

from httpx import ASGITransport, AsyncClient
from python_calamine import CalamineWorkbook
from sqlalchemy import delete, select, text

from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.models import metadata as eligibility_metadata
from registration_svc.config import Settings as RegistrationSettings
from registration_svc.models import metadata as registration_metadata
from services.eligibility.app import create_app as create_eligibility_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.clients.eligibility import EligibilityClient
from shared.clients.registration import RegistrationClient
from shared.db import Database
from subsidy_svc.config import Settings
from subsidy_svc.peers import Peers
from tests.integration.test_skill_subsidy_payment import run_daily_job
from tests.registration_svc.registration_support import id_number
from tests.subsidy_svc.claims_support import MovableClock, claim_body
from tests.support import bearer, running_app, service_settings

COUNTY = "440229"  # 翁源县: committed rows of this county are the test's own
TOWN = "440229001"
CASEWORKER = bearer("caseworker", TOWN, "cw-cert-e2e")
COUNTY_CASEWORKER = bearer("caseworker", COUNTY, "cw-county-e2e")
REVIEWER = bearer("reviewer", COUNTY, "rv-cert-e2e")
ADMIN = bearer("admin", "4402", "admin-cert-e2e")
BORN = date(1981, 3, 15)


@pytest.fixture
async def committing(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, pool_size=6, max_overflow=2)
    yield database
    await database.dispose()


async def clean(database: Database, number: str, since: datetime) -> None:
    """Deletes what the test committed in every service's schema."""
    async with database.transaction() as session:
        for name in ("payment_item", "payment_batch"):
            await session.execute(text(f"DELETE FROM subsidy.{name} WHERE region = :c"), {"c": COUNTY})
        await session.execute(text("DELETE FROM subsidy.skill_claim WHERE agency_region_code LIKE :c"),
                              {"c": f"{COUNTY}%"})
        person = registration_metadata.tables["registration.person"]
        ids = list((await session.execute(select(person.c.id).where(person.c.id_number == number))).scalars().all())
        applications = eligibility_metadata.tables["eligibility.difficulty_application"]
        app_ids = list((await session.execute(select(applications.c.id).where(applications.c.person_id.in_(ids))))
                       .scalars().all())
        for table in reversed(eligibility_metadata.sorted_tables):
            if "application_id" in table.c:
                await session.execute(delete(table).where(table.c.application_id.in_(app_ids)))
            elif "person_id" in table.c:
                await session.execute(delete(table).where(table.c.person_id.in_(ids)))
        registration = registration_metadata.tables["registration.registration"]
        reg_ids = list((await session.execute(select(registration.c.id).where(registration.c.person_id.in_(ids))))
                       .scalars().all())
        for table in reversed(registration_metadata.sorted_tables):
            if table is not registration and "registration_id" in table.c:
                await session.execute(delete(table).where(table.c.registration_id.in_(reg_ids)))
        await session.execute(delete(registration).where(registration.c.id.in_(reg_ids)))
        for table in reversed(registration_metadata.sorted_tables):
            if table is not person and "person_id" in table.c:
                await session.execute(delete(table).where(table.c.person_id.in_(ids)))
        await session.execute(delete(person).where(person.c.id.in_(ids)))
        for schema in ("registration", "eligibility", "subsidy"):
            await session.execute(text(f"DELETE FROM {schema}.outbox_event WHERE created_at >= :t"), {"t": since})


async def test_a_certified_persons_claim_with_the_allowance_is_paid_once(
    committing: Database, database_url: str, redis_url: str, queue_prefix: str
) -> None:
    prefix = f"{queue_prefix}-cert-{uuid.uuid4().hex[:6]}"
    clock = MovableClock(date(2026, 12, 10))
    subsidy_settings = service_settings(Settings, database_url, redis_url, prefix)
    assert isinstance(subsidy_settings, Settings)
    number = id_number(BORN, sequence=random.randrange(0, 998, 2))
    since = datetime.now().astimezone()
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, prefix)
    elig_settings = service_settings(EligibilitySettings, database_url, redis_url, prefix)
    registration_app = create_registration_app(settings=cast(RegistrationSettings, reg_settings), database=committing,
                                               clock=clock.clock,
                                               configure_logs=False)
    # The certification workflow's eligibility app calls the registration app (its registration_transport).
    peer_of_eligibility: dict[str, Any] = {"registration_transport": ASGITransport(app=registration_app)}
    eligibility_app = create_eligibility_app(
        settings=cast(EligibilitySettings, elig_settings), database=committing, clock=clock.clock,
        configure_logs=False, **peer_of_eligibility,
    )
    try:
        async with registration_app.router.lifespan_context(registration_app), \
                eligibility_app.router.lifespan_context(eligibility_app):
            registration = AsyncClient(transport=ASGITransport(app=registration_app), base_url="http://registration")
            eligibility = AsyncClient(transport=ASGITransport(app=eligibility_app), base_url="http://eligibility")
            peers = Peers(
                RegistrationClient("http://registration", subsidy_settings, caller="subsidy",
                                   transport=ASGITransport(app=registration_app)),
                EligibilityClient("http://eligibility", subsidy_settings, caller="subsidy",
                                  transport=ASGITransport(app=eligibility_app)),
            )
            async with running_app(functools.partial(create_subsidy_app, peers=peers), subsidy_settings, committing,
                                   clock.clock) as subsidy:
                person_id = await certify(registration, eligibility, number)
                await claim_and_pay(subsidy, eligibility, clock, subsidy_settings, number, person_id)
            for client in (registration, eligibility, peers.registration.http, peers.eligibility.http):
                await client.aclose()
    finally:
        await clean(committing, number, since)


async def certify(registration: AsyncClient, eligibility: AsyncClient, number: str) -> str:
    """Registers the person as unemployed and certifies them with employment difficulty (returns person_id)."""
    registered = await registration.post("/api/v1/registrations", headers=CASEWORKER, json={
        "person": {"id_type": "resident_id", "id_number": number, "name": "王芳", "phone": "13800000002",
                   "hukou_region_code": COUNTY, "hukou_type": "urban", "residence_region_code": COUNTY,
                   "residence_type": "urban"},
        "channel": "window", "agency_region_code": TOWN, "applied_at": "2025-06-02T09:00:00+08:00",
        "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True, "receiving_pension": False},
        "unemployed_since": "2025-05-01", "unemployment_reason": "contract ended", "commitment_signed": True,
    })
    assert registered.status_code == 201, registered.text
    applied = await eligibility.post("/api/v1/difficulty/applications", headers=CASEWORKER, json={
        "applied_on": "2026-11-20", "agency_region_code": TOWN,
        "person": {"id_type": "resident_id", "id_number": number, "name": "王芳", "phone": "13800000002",
                   "gender": "female", "birth_date": BORN.isoformat(), "hukou_region_code": COUNTY,
                   "hukou_type": "urban", "residence_region_code": COUNTY},
        "status": {"unemployed": True, "able_to_work": True, "wants_work": True},
        "facts": {"latest_registration_date": "2026-10-01"}, "materials": ["id_card"],
    })
    assert applied.status_code == 201, applied.text
    url = f"/api/v1/difficulty/applications/{applied.json()['id']}"
    reviewed = await eligibility.post(f"{url}/preliminary-review", headers=CASEWORKER, json={
        "decision": "pass", "reason": "材料齐全，符合条件", "reviewed_on": "2026-11-24"})
    assert reviewed.status_code == 200, reviewed.text
    decided = await eligibility.post(f"{url}/certification", headers=REVIEWER, json={
        "decision": "certify", "reason": "符合大龄失业人员条件", "decided_on": "2026-12-02", "tier": "II"})
    assert decided.status_code == 200 and decided.json()["status"] == "certified", decided.text
    person_id: str = decided.json()["person_id"]
    return person_id


async def claim_and_pay(
    subsidy: AsyncClient, eligibility: AsyncClient, clock: MovableClock, settings: Settings, number: str,
    person_id: str,
) -> None:
    status = await eligibility.get("/api/v1/difficulty/status", params={"person_id": person_id, "on": "2026-12-10"},
                                   headers=REVIEWER)
    assert status.json()["certified"] is True
    body: dict[str, Any] = claim_body(1, certificate=f"E2E-CERT-{uuid.uuid4().hex[:8]}", name="王芳",
                                      issued_on=date(2026, 11, 2), applied_on=date(2026, 12, 10), region=COUNTY,
                                      allowance={"requested": True, "group": "difficulty"})
    body["applicant"]["id_number"] = number
    filed = await subsidy.post("/api/v1/skill-subsidy/claims", json=body, headers=COUNTY_CASEWORKER)
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    assert claim["person_id"] == person_id
    decision = claim["living_allowance_decision"]
    assert (claim["living_allowance_fen"], decision["granted"], decision["rule"]) == (50_000, True,
                                                                                        "SUB-ALLOWANCE-GROUP")
    reviewed = await subsidy.post(f"/api/v1/skill-subsidy/claims/{claim['id']}/review", headers=REVIEWER,
                                  json={"decision": "approve", "reviewed_on": "2026-12-10"})
    assert reviewed.json()["notice_end"] == "2026-12-17", reviewed.text

    clock.today = date(2026, 12, 18)
    await run_daily_job(settings, clock.today)
    batches = "/api/v1/payment-batches"
    batch = await subsidy.post(batches, headers=ADMIN, json={"kind": "skill_subsidy", "region": COUNTY,
                                                             "as_of": "2026-12-18"})
    assert batch.status_code == 201, batch.text
    assert [i["claim_id"] for i in batch.json()["items"]] == [claim["id"]]
    assert batch.json()["total_fen"] == 250_000
    exported = await subsidy.get(f"{batches}/{batch.json()['id']}/export", headers=ADMIN)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
    results = {"items": [{"item_id": rows[1][1], "result": "paid", "paid_on": "2026-12-18",
                          "bank_reference": "ICBC-CERT-1"}]}
    url = f"{batches}/{batch.json()['id']}/results"
    assert (await subsidy.post(url, json=results, headers=ADMIN)).json()["paid"] == 1
    assert (await subsidy.post(url, json=results, headers=ADMIN)).json()["applied"] == 0
    assert (await subsidy.post(batches, headers=ADMIN, json={"kind": "skill_subsidy", "region": COUNTY,
                                                             "as_of": "2026-12-31"})).status_code == 409
    paid = (await subsidy.get(f"/api/v1/skill-subsidy/claims/{claim['id']}", headers=COUNTY_CASEWORKER)).json()
    assert (paid["status"], paid["paid_on"]) == ("paid", "2026-12-18")
