"""End to end through the real apps, relays and workers: register → ledger entry → contact "hired" →
followup.deregistration_requested → the registration service deregisters with reason hired → the ledger
shows the registration ended (FU-MONTHLY, FU-OUTCOME)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from arq import create_pool
from arq.connections import RedisSettings
from httpx import AsyncClient

from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from tests.integration.e2e_support import (
    AGENCY,
    followup_relay,
    registration_relay,
    run_followup_worker,
    run_registration_worker,
    system,
    window_application,
)
from tests.support import bearer, running_app

CW = bearer("caseworker", AGENCY, "cw-e2e")


async def ledger_of(followup: AsyncClient, registration_id: str) -> list[dict[str, Any]]:
    response = await followup.get("/api/v1/ledger", params={"registration_id": registration_id}, headers=CW)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestLedgerToDeregistration:
    async def test_register_contact_hired_and_the_registration_is_deregistered(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with system(database_url, redis_url, queue_prefix) as sys_, running_app(
            create_registration_app, sys_.registration_settings, sys_.registration_db
        ) as registration, running_app(create_followup_app, sys_.followup_settings, sys_.followup_db) as followup:
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            try:
                # Registered at the window today (the workers run on the real clock), so its month is open.
                now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0)
                created = await registration.post("/api/v1/registrations", headers=CW,
                                                  json=window_application(now.isoformat()))
                assert created.status_code == 201, created.text
                registration_id = created.json()["id"]
                assert await registration_relay(sys_, redis).drain() >= 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0

                (entry,) = await ledger_of(followup, registration_id)
                assert (entry["status"], entry["month"]) == ("pending", f"{now:%Y-%m}")
                assert entry["person_id"] == created.json()["person_id"]

                contact = await followup.post(f"/api/v1/ledger/{entry['id']}/contacts", headers=CW, json={
                    "method": "visit", "contacted_on": now.date().isoformat(), "result": "reached",
                    "employment_status": "hired", "employer": {"name": "南雄某公司", "credit_code": None},
                    "note": "signed a contract",
                })
                assert contact.status_code == 201, contact.text
                assert contact.json()["deregistration_requested"]["reason"] == "hired"

                assert await followup_relay(sys_, redis).drain() == 1
                worker = await run_registration_worker(sys_.registration_settings)
                assert worker.jobs_failed == 0
                read = await registration.get(f"/api/v1/registrations/{registration_id}", headers=CW)
                assert read.status_code == 200
                body = read.json()
                assert body["status"] == "deregistered"
                assert (body["deregistration"]["reason"], body["deregistration"]["effective_date"]) == (
                    "hired", now.date().isoformat())

                # The deregistration comes back as registration.deregistered: the month's entry is ended.
                assert await registration_relay(sys_, redis).drain() >= 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0
                (entry,) = await ledger_of(followup, registration_id)
                assert entry["status"] == "ended" and entry["registration_end_reason"] == "hired"
                assert entry["deregistration_requested"]["rule"] == "FU-OUTCOME"
            finally:
                await redis.aclose()
