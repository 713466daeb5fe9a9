"""End to end through the real apps and the real subsidy worker, on committing databases: a person files a claim
with the living allowance, it is reviewed, the notice ends (the daily job marks it payable), a batch pays it from
the exported bank file, and a replayed bank file and a second batch pay nothing more (PAY-ONCE)."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import create_worker
from httpx import AsyncClient
from python_calamine import CalamineWorkbook
from sqlalchemy import delete, select, text

from registration_svc.models import metadata as registration_metadata
from services.subsidy.worker import worker_settings
from shared.db import Database
from subsidy_svc.config import Settings
from tests.integration.e2e_support import preserved_logging
from tests.subsidy_svc.claims_support import MovableClock, claim_body, subsidy_api
from tests.support import bearer, service_settings

COUNTY = "440229"  # 翁源县: no other test files claims there, since this one commits
CASEWORKER = bearer("caseworker", COUNTY, "cw-e2e")
REVIEWER = bearer("reviewer", COUNTY, "rv-e2e")
ADMIN = bearer("admin", "4402", "admin-e2e")
CLAIMS = "/api/v1/skill-subsidy/claims"
BATCHES = "/api/v1/payment-batches"


@pytest.fixture
async def committing(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, pool_size=4, max_overflow=2)
    yield database
    await database.dispose()


async def clean(database: Database, id_numbers: list[str]) -> None:
    """Deletes what the test committed: items, batches and claims of the county, and its persons."""
    async with database.transaction() as session:
        await session.execute(text(
            "DELETE FROM subsidy.payment_item WHERE region = :c"), {"c": COUNTY})
        await session.execute(text("DELETE FROM subsidy.payment_batch WHERE region = :c"), {"c": COUNTY})
        await session.execute(text("DELETE FROM subsidy.skill_claim WHERE agency_region_code = :c"), {"c": COUNTY})
        person = registration_metadata.tables["registration.person"]
        ids = list((await session.execute(select(person.c.id).where(person.c.id_number.in_(id_numbers))))
                   .scalars().all())
        for table in reversed(registration_metadata.sorted_tables):
            if table is not person and "person_id" in table.c:
                await session.execute(delete(table).where(table.c.person_id.in_(ids)))
        await session.execute(delete(person).where(person.c.id.in_(ids)))


async def run_daily_job(settings: Settings, on: date) -> None:
    """Enqueues the daily claims job for a day and runs the real subsidy worker in burst mode until it is done."""
    redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        await redis.enqueue_job("flag_overdue_claims", on.isoformat(), _queue_name=settings.queue_name("subsidy"))
    finally:
        await redis.aclose()
    worker = create_worker(worker_settings(settings, run_relay=False), burst=True, handle_signals=False,
                           poll_delay=0.05)
    with preserved_logging():
        try:
            await worker.main()
        finally:
            await worker.close()
    assert worker.jobs_complete == 1 and worker.jobs_failed == 0


# The difficulty case asks the real eligibility service; its person is not certified, so the allowance is refused
# with SUB-ALLOWANCE-GROUP and the subsidy alone is paid (a certified person's claim, allowance included, is
# tests/integration/test_certified_claim_paid.py).
@pytest.mark.parametrize(("group", "allowance_fen"), [("difficulty", 0), ("disabled", 50_000)])
async def test_a_claim_is_paid_once(
    group: str, allowance_fen: int, committing: Database, database_url: str, redis_url: str, queue_prefix: str
) -> None:
    prefix = f"{queue_prefix}-sub-{uuid.uuid4().hex[:6]}"
    settings = service_settings(Settings, database_url, redis_url, prefix)
    assert isinstance(settings, Settings)
    clock = MovableClock(date(2026, 4, 1))
    body = claim_body(random.randrange(1000), certificate=f"E2E-{uuid.uuid4().hex[:10]}", region=COUNTY,
                      allowance={"requested": True, "group": group}, born=date(1988, 2, 2))
    number = str(body["applicant"]["id_number"])  # type: ignore[index]
    try:
        async with subsidy_api(committing, database_url, redis_url, prefix, clock.clock) as api:
            await pay_once(api, body, clock, settings, allowance_fen)
    finally:
        await clean(committing, [number])


async def pay_once(
    api: AsyncClient, body: dict[str, object], clock: MovableClock, settings: Settings, allowance_fen: int
) -> None:
    filed = await api.post(CLAIMS, json=body, headers=CASEWORKER)
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    assert claim["living_allowance_fen"] == allowance_fen
    assert claim["living_allowance_decision"]["granted"] is (allowance_fen > 0)
    assert claim["living_allowance_decision"]["rule"] == "SUB-ALLOWANCE-GROUP"
    total = 200_000 + allowance_fen
    reviewed = await api.post(f"{CLAIMS}/{claim['id']}/review", headers=REVIEWER,
                              json={"decision": "approve", "reviewed_on": "2026-04-01"})
    assert reviewed.json()["status"] == "in_public_notice", reviewed.text
    notice_end = date.fromisoformat(reviewed.json()["notice_end"])

    # The notice ends; the worker's daily job marks the claim payable.
    clock.today = date(2026, 4, 13)
    await run_daily_job(settings, clock.today)
    listed = (await api.get(CLAIMS, params={"status": "payable", "region": COUNTY}, headers=CASEWORKER)).json()
    assert [c["id"] for c in listed["items"]] == [claim["id"]]
    assert notice_end < clock.today

    batch = await api.post(BATCHES, headers=ADMIN, json={"kind": "skill_subsidy", "region": COUNTY,
                                                         "as_of": clock.today.isoformat()})
    assert batch.status_code == 201, batch.text
    assert batch.json()["total_fen"] == total and batch.json()["reconciled"] is True
    batch_id = batch.json()["id"]

    # The bank fills in the exported file; its rows come back as the results.
    exported = await api.get(f"{BATCHES}/{batch_id}/export", headers=ADMIN)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
    results = {"items": [{"item_id": row[1], "result": "paid", "paid_on": "2026-04-13",
                          "bank_reference": f"ICBC-{row[0]}"} for row in rows[1:]]}
    assert (await api.post(f"{BATCHES}/{batch_id}/results", json=results, headers=ADMIN)).json()["paid"] == 1
    replayed = await api.post(f"{BATCHES}/{batch_id}/results", json=results, headers=ADMIN)
    assert (replayed.json()["applied"], replayed.json()["unchanged"]) == (0, 1)
    second = await api.post(BATCHES, headers=ADMIN, json={"kind": "skill_subsidy", "region": COUNTY,
                                                          "as_of": "2026-04-20"})
    assert second.status_code == 409

    paid = (await api.get(f"{CLAIMS}/{claim['id']}", headers=CASEWORKER)).json()
    assert (paid["status"], paid["paid_on"], paid["steps"]["payment"]["overdue"]) == ("paid", "2026-04-13", False)
    report = (await api.get(f"{BATCHES}/report", params={"kind": "skill_subsidy", "region": COUNTY},
                            headers=ADMIN)).json()
    assert report["regions"] == [{"region": COUNTY, "paid_count": 1, "paid_fen": total, "failed_count": 0,
                                  "failed_fen": 0, "sent_count": 0, "sent_fen": 0, "outstanding_count": 0,
                                  "outstanding_fen": 0}]
    assert report["batches_reconciled"] is True
