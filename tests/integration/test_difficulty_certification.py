"""End to end: a registered 45-year-old woman is found by the screening job, applies, passes the town's
preliminary review, the notice ends, the district certifies her, and her status shows older_unemployed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from arq.worker import create_worker
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete, select

from eligibility_svc.certification.models import (
    DifficultyApplication,
    DifficultyCertification,
    DifficultyDecision,
    ScreeningCandidate,
)
from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.models import platform as eligibility_platform
from services.eligibility.app import create_app as create_eligibility_app
from services.eligibility.worker import worker_settings
from services.registration.app import create_app as create_registration_app
from shared.clock import Clock
from shared.db import Database
from tests.integration.e2e_support import AGENCY, id_number, preserved_logging, system
from tests.support import bearer, service_settings

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOWN = f"{AGENCY}001"
BORN = date(1981, 6, 1)  # 45 on the day of the application


@asynccontextmanager
async def eligibility_cleanup(database: Database, since: datetime) -> AsyncIterator[None]:
    try:
        yield
    finally:
        async with database.transaction() as session:
            ids = (await session.scalars(select(DifficultyApplication.id).where(
                DifficultyApplication.agency_region_code.startswith(AGENCY)))).all()
            await session.execute(
                delete(DifficultyCertification).where(DifficultyCertification.application_id.in_(ids)))
            await session.execute(delete(DifficultyDecision).where(DifficultyDecision.application_id.in_(ids)))
            await session.execute(delete(DifficultyApplication).where(DifficultyApplication.id.in_(ids)))
            await session.execute(
                delete(ScreeningCandidate).where(ScreeningCandidate.agency_region_code.startswith(AGENCY)))
            platform = eligibility_platform
            # The audit log is append-only: its rows stay, as in production.
            for table, column in ((platform.outbox, "created_at"),
                                  (platform.job, "created_at"), (platform.idempotency_key, "created_at")):
                await session.execute(delete(table).where(table.c[column] >= since))


class TestDifficultyCertificationEndToEnd:
    async def test_screened_applies_and_is_certified(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        started = datetime.now().astimezone()
        async with system(database_url, redis_url, queue_prefix) as sys_:
            elig_settings: Any = service_settings(
                EligibilitySettings, database_url, redis_url, sys_.followup_settings.queue_prefix
            )
            elig_db = Database.from_url(database_url, pool_size=3, max_overflow=2)
            clock = Clock.fixed(NOW)
            registration_app = create_registration_app(settings=sys_.registration_settings,
                                                       database=sys_.registration_db, clock=clock,
                                                       configure_logs=False)
            eligibility_app = create_eligibility_app(
                settings=elig_settings, database=elig_db, clock=clock, configure_logs=False,
                registration_transport=ASGITransport(app=registration_app),
            )
            try:
                async with eligibility_cleanup(elig_db, started), \
                        registration_app.router.lifespan_context(registration_app), \
                        eligibility_app.router.lifespan_context(eligibility_app), \
                        AsyncClient(transport=ASGITransport(app=registration_app),
                                    base_url="http://registration") as registration, \
                        AsyncClient(transport=ASGITransport(app=eligibility_app),
                                    base_url="http://eligibility") as eligibility:
                    await self._flow(registration, eligibility, registration_app, elig_settings, clock)
            finally:
                await elig_db.dispose()

    async def _flow(self, registration: AsyncClient, eligibility: AsyncClient, registration_app: Any,
                    elig_settings: Any, clock: Clock) -> None:
        caseworker = bearer("caseworker", TOWN, "cw-town")
        # Registered at the county office (the e2e cleanup removes the registrations of AGENCY).
        county_caseworker = bearer("caseworker", AGENCY, "cw-county")
        number = id_number(BORN)
        # Her identity number must say female: the 17th digit even.
        while int(number[16]) % 2:
            number = id_number(BORN)
        registered = await registration.post("/api/v1/registrations", headers=county_caseworker, json={
            "person": {"id_type": "resident_id", "id_number": number, "name": "张桂兰", "phone": "13800000003",
                       "hukou_region_code": AGENCY, "hukou_type": "urban", "residence_region_code": AGENCY,
                       "residence_type": "urban"},
            "channel": "window", "agency_region_code": AGENCY, "applied_at": "2026-11-02T09:00:00+08:00",
            "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True, "receiving_pension": False},
            "unemployed_since": "2026-10-01", "unemployment_reason": "factory closed", "commitment_signed": True,
        })
        assert registered.status_code == 201, registered.text
        person_id = registered.json()["person_id"]

        # Active screening: a batch job worked by the real eligibility worker, reading registrations in pages.
        run = await eligibility.post("/api/v1/difficulty/screening/runs", headers=bearer("admin", "44"))
        assert run.status_code == 202, run.text
        worker = create_worker(
            worker_settings(elig_settings, run_relay=False, clock=clock,
                            registration_transport=ASGITransport(app=registration_app)),
            burst=True, handle_signals=False, poll_delay=0.05,
        )
        with preserved_logging():
            try:
                await worker.main()
            finally:
                await worker.close()
        assert worker.jobs_failed == 0 and worker.jobs_complete >= 1
        job = await eligibility.get(f"/api/v1/jobs/{run.json()['job_id']}", headers=bearer("admin", "44"))
        assert job.json()["status"] == "succeeded", job.text
        candidates = await eligibility.get("/api/v1/difficulty/screening/candidates", headers=county_caseworker)
        mine = [c for c in candidates.json()["items"] if c["person_id"] == person_id]
        assert len(mine) == 1 and mine[0]["categories"] == ["older_unemployed"] and mine[0]["status"] == "listed"

        # She applies for herself (citizen token: sub is her identity number).
        citizen = bearer("citizen", AGENCY, number)
        applied = await eligibility.post("/api/v1/difficulty/applications", headers=citizen, json={
            "applied_on": "2026-11-20", "agency_region_code": TOWN,
            "person": {"id_type": "resident_id", "id_number": number, "name": "张桂兰", "gender": "female",
                       "birth_date": BORN.isoformat(), "hukou_region_code": AGENCY, "hukou_type": "urban"},
            "status": {"unemployed": True, "able_to_work": True, "wants_work": True},
            "materials": ["id_card"],
        })
        assert applied.status_code == 201, applied.text
        application = applied.json()
        assert application["status"] == "submitted" and application["person_id"] == person_id
        url = f"/api/v1/difficulty/applications/{application['id']}"

        reviewed = await eligibility.post(f"{url}/preliminary-review", headers=caseworker, json={
            "decision": "pass", "reason": "年满40周岁女性，登记失业", "reviewed_on": "2026-11-24"})
        assert reviewed.status_code == 200 and reviewed.json()["notice_end"] == "2026-12-01", reviewed.text

        # The notice ended on 2026-12-01; the district decides the next day.
        district = bearer("reviewer", AGENCY, "district")
        decided = await eligibility.post(f"{url}/certification", headers=district, json={
            "decision": "certify", "reason": "符合大龄失业人员条件", "decided_on": "2026-12-02", "tier": "II"})
        assert decided.status_code == 200, decided.text
        assert decided.json()["status"] == "certified"

        status = await eligibility.get("/api/v1/difficulty/status", headers=bearer("system", "44"),
                                       params={"person_id": person_id, "on": "2026-12-10"})
        assert status.status_code == 200, status.text
        body = status.json()
        assert body["certified"] is True and body["categories"] == ["older_unemployed"]
        assert body["tier"] == "II" and body["certified_on"] == "2026-12-02"
        assert uuid.UUID(body["person_id"]) == uuid.UUID(person_id)
