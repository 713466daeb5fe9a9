"""End to end (FU-TIER): a person registered in the registration service applies for employment-difficulty
certification; the eligibility service's difficulty.application_submitted goes through its outbox, the relay
and the queue to a real followup worker, which starts Tier I; the services recorded in the followup app meet it.

The eligibility service has no application endpoint on this branch yet, so the event is written into its
outbox the way that endpoint will (shared.outbox.emit in the eligibility schema) and relayed by its relay.
After the merge the lead switches the first step to POST /api/v1/difficulty/applications.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import create_worker
from httpx import AsyncClient
from sqlalchemy import delete, select

from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.models import platform as eligibility_platform
from followup_svc.models import Assistance, PersonSurvey, ServiceList, ServiceRecord
from services.eligibility.worker import worker_settings as eligibility_worker_settings
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from shared import outbox
from shared.clock import Clock
from shared.db import Database
from shared.events import DifficultyApplicationSubmitted, DifficultyDecided, EventType
from tests.integration.e2e_support import (
    AGENCY,
    preserved_logging,
    registration_relay,
    run_followup_worker,
    run_registration_worker,
    system,
    window_application,
)
from tests.support import bearer, running_app, service_settings

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CW = bearer("caseworker", AGENCY, "cw-e2e")
ADMIN = bearer("admin", AGENCY, "admin-e2e")


@asynccontextmanager
async def eligibility_database(database_url: str, person_ids: list[uuid.UUID]) -> AsyncIterator[Database]:
    """The eligibility service's committing database; removes this test's events and followup rows after."""
    started = datetime.now().astimezone()
    db = Database.from_url(database_url, pool_size=2, max_overflow=1)
    try:
        yield db
    finally:
        async with db.transaction() as session:
            events = eligibility_platform.outbox
            await session.execute(delete(events).where(events.c.created_at >= started))
            deliveries = eligibility_platform.event_delivery
            await session.execute(delete(deliveries).where(deliveries.c.created_at >= started))
            for table in (ServiceRecord, Assistance, PersonSurvey):
                await session.execute(delete(table).where(table.person_id.in_(person_ids)))
            await session.execute(delete(ServiceList).where(ServiceList.region_code == AGENCY))
        await db.dispose()


async def assistance(followup: AsyncClient, person_id: str) -> dict[str, Any]:
    response = await followup.get(f"/api/v1/persons/{person_id}/assistance", headers=CW)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestDifficultyApplicationToTierI:
    async def test_application_gives_tier1_requirements_and_recorded_services_meet_them(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        persons: list[uuid.UUID] = []
        async with (
            system(database_url, redis_url, queue_prefix) as sys_,
            eligibility_database(database_url, persons) as eligibility_db,
            running_app(create_registration_app, sys_.registration_settings, sys_.registration_db) as registration,
            running_app(create_followup_app, sys_.followup_settings, sys_.followup_db, Clock.fixed(NOW)) as followup,
        ):
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            try:
                created = await registration.post("/api/v1/registrations",
                                                  json=window_application("2026-11-16T10:00:00+08:00"), headers=CW)
                assert created.status_code == 201, created.text
                person_id = created.json()["person_id"]
                persons.append(uuid.UUID(person_id))
                await registration_relay(sys_, redis).drain()
                assert (await run_followup_worker(sys_.followup_settings)).jobs_failed == 0
                # Known from the registration, no application yet: no tier, nothing fails.
                assert (await assistance(followup, person_id))["tier"] is None

                application = DifficultyApplicationSubmitted(
                    application_id=uuid.uuid4(), person_id=uuid.UUID(person_id), agency_region_code=AGENCY,
                    submitted_on=date(2026, 11, 17), certification_due=date(2026, 12, 1),
                )
                async with eligibility_db.transaction() as session:
                    event_id = await outbox.emit(session, eligibility_platform.outbox,
                                                 EventType.DIFFICULTY_APPLICATION_SUBMITTED, application)
                relay = outbox.OutboxRelay(eligibility_db, eligibility_platform.outbox, redis, source="eligibility",
                                           queue_name=sys_.followup_settings.queue_name,
                                           delivery=eligibility_platform.event_delivery)
                assert await relay.drain() == 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert (worker.jobs_failed, worker.jobs_complete) == (0, 1)
                # Delivered, not only published (issue 15 §2): the follow-up worker's receipt reaches the
                # eligibility service's queue and its worker marks the send acknowledged.
                elig_settings = cast(EligibilitySettings, service_settings(
                    EligibilitySettings, database_url, redis_url, sys_.followup_settings.queue_prefix))
                receipts = create_worker(eligibility_worker_settings(elig_settings, run_relay=False), burst=True,
                                         handle_signals=False, poll_delay=0.05)
                with preserved_logging():
                    try:
                        await receipts.main()
                    finally:
                        await receipts.close()
                assert (receipts.jobs_failed, receipts.jobs_complete) == (0, 1)
                async with eligibility_db.transaction() as session:
                    deliveries = eligibility_platform.event_delivery
                    sent = (await session.execute(
                        select(deliveries).where(deliveries.c.event_id == event_id)
                    )).mappings().all()
                assert [(r["subscriber"], r["acked_at"] is not None, r["failures"]) for r in sent] == [
                    ("followup", True, 0)]

                tier1 = await assistance(followup, person_id)
                assert (tier1["tier"], tier1["since"]) == ("I", "2026-11-17")
                assert {(r["kind"], r["required"], r["delivered"], r["due_on"], r["status"])
                        for r in tier1["requirements"]} == {
                    ("career_guidance", 1, 0, "2026-12-01", "open"), ("policy_list", 1, 0, "2026-12-01", "open"),
                    ("service_list", 1, 0, "2026-12-01", "open"), ("job_recommendation", 3, 0, "2026-12-01", "open"),
                }

                policy = {"name": "社会保险补贴", "target_group": "就业困难人员", "content": "按实际缴费给予补贴",
                          "conditions": "灵活就业并缴纳社保", "accepting_agency": "南雄市公共就业服务中心"}
                for kind, item in (("policies", policy),
                                   ("services", {"item": "职业指导", "target": "登记失业人员", "content": "一对一"})):
                    published = await followup.put(f"/api/v1/lists/{kind}", json={"items": [item]}, headers=ADMIN)
                    assert published.status_code == 200, published.text
                for kind, on in (("career_guidance", "2026-11-18"), ("policy_list", "2026-11-18"),
                                 ("service_list", "2026-11-18"), ("job_recommendation", "2026-11-19"),
                                 ("job_recommendation", "2026-11-20"), ("job_recommendation", "2026-11-23")):
                    given = await followup.post(f"/api/v1/persons/{person_id}/services",
                                                json={"kind": kind, "delivered_on": on},
                                                headers={**CW, "Idempotency-Key": f"e2e-{uuid.uuid4()}"})
                    assert given.status_code == 201, given.text
                met = await assistance(followup, person_id)
                assert [(r["kind"], r["delivered"], r["status"]) for r in met["requirements"]] == [
                    ("career_guidance", 1, "met"), ("policy_list", 1, "met"), ("service_list", 1, "met"),
                    ("job_recommendation", 3, "met"),
                ]
            finally:
                await redis.aclose()


class TestTheDecisionReachesThePerson:
    async def test_a_refusal_goes_through_the_queue_to_the_registration_worker_which_tells_the_person(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        persons: list[uuid.UUID] = []
        async with (
            system(database_url, redis_url, queue_prefix) as sys_,
            eligibility_database(database_url, persons) as eligibility_db,
            running_app(create_registration_app, sys_.registration_settings, sys_.registration_db) as registration,
        ):
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            try:
                created = await registration.post("/api/v1/registrations",
                                                  json=window_application("2026-11-16T10:00:00+08:00"), headers=CW)
                assert created.status_code == 201, created.text
                person_id = created.json()["person_id"]
                persons.append(uuid.UUID(person_id))
                decided = DifficultyDecided(
                    application_id=uuid.uuid4(), person_id=uuid.UUID(person_id), agency_region_code=AGENCY,
                    certified=False, decided_on=date(2026, 12, 2), reason_zh="已在工厂就业",
                    rereview_by=date(2027, 1, 4),
                )
                async with eligibility_db.transaction() as session:
                    await outbox.emit(session, eligibility_platform.outbox, EventType.DIFFICULTY_DECIDED, decided)
                relay = outbox.OutboxRelay(eligibility_db, eligibility_platform.outbox, redis, source="eligibility",
                                           queue_name=sys_.followup_settings.queue_name,
                                           delivery=eligibility_platform.event_delivery)
                assert await relay.drain() == 1  # one event, sent to the follow-up and registration queues
                worker = await run_registration_worker(sys_.registration_settings)
                assert (worker.jobs_failed, worker.jobs_complete) == (0, 1)
                notices = (await registration.get(f"/api/v1/persons/{person_id}/notifications", headers=CW)).json()
                [notice] = [n for n in notices["items"] if n["template"] == "difficulty.decided"]
                assert notice["channel"] == "sms" and "不予认定，原因：“已在工厂就业”" in notice["text_zh"]
                assert "2027年1月4日前（含当日）申请复核" in notice["text_zh"]
            finally:
                await redis.aclose()
