"""End to end through the real apps, relays and workers (issue 14): an employer registers a vacancy, a
caseworker publishes it; a person registers as unemployed and as a job seeker whose intentions match; the
follow-up service ranks the vacancy for them over HTTP, a caseworker recommends it (a job_recommendation
service) and records "hired" → followup.deregistration_requested → the registration ends with reason hired."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from arq import create_pool
from arq.connections import RedisSettings
from httpx import ASGITransport, AsyncClient

from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from tests.integration.e2e_support import (
    AGENCY,
    System,
    followup_relay,
    registration_relay,
    run_followup_worker,
    run_registration_worker,
    system,
    window_application,
)
from tests.support import bearer

CW = bearer("caseworker", AGENCY, "cw-e2e")
# A real business licence's credit code (GB 32100 check character valid).
EMPLOYER = "91440300708461136T"


class TestRecommendationToDeregistration:
    async def test_vacancy_published_recommended_hired_and_the_registration_ends_hired(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with system(database_url, redis_url, queue_prefix) as sys_:
            registration_app = create_registration_app(settings=sys_.registration_settings,
                                                       database=sys_.registration_db, configure_logs=False)
            async with registration_app.router.lifespan_context(registration_app):
                peer = ASGITransport(app=registration_app, raise_app_exceptions=False)
                followup_app = create_followup_app(settings=sys_.followup_settings, database=sys_.followup_db,
                                                   configure_logs=False, registration_transport=peer)
                async with followup_app.router.lifespan_context(followup_app), AsyncClient(
                    transport=peer, base_url="http://registration"
                ) as registration, AsyncClient(
                    transport=ASGITransport(app=followup_app, raise_app_exceptions=False),
                    base_url="http://followup",
                ) as followup:
                    await self._flow(sys_, registration, followup, redis_url)

    async def _flow(self, sys_: System, registration: AsyncClient, followup: AsyncClient, redis_url: str) -> None:
        redis = await create_pool(RedisSettings.from_dsn(redis_url))
        try:
            # The workers and apps run on the real clock: everything is dated today.
            now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0)
            today = now.date().isoformat()

            # An employer registers a vacancy at the agency's county; a caseworker publishes it.
            employer = bearer("employer", AGENCY, EMPLOYER)
            vacancy = await registration.post("/api/v1/vacancies", headers=employer, json={
                "employer": {"name": "南雄某物流有限公司", "credit_code": EMPLOYER, "region_code": AGENCY,
                             "contact_phone": "0751-3888888"},
                "title": "仓库管理员", "occupation_code": "4-02-01-01", "positions": 2, "region_code": AGENCY,
                "monthly_wage_min_fen": 450_000, "monthly_wage_max_fen": 600_000,
                "requirements": {"education": None, "min_age": 18, "max_age": 50, "gender": None, "hukou": None,
                                 "skills": ["forklift"]},
                "valid_until": (now.date() + timedelta(days=30)).isoformat(),
            })
            assert vacancy.status_code == 201, vacancy.text
            vacancy_id = vacancy.json()["id"]
            published = await registration.post(f"/api/v1/vacancies/{vacancy_id}/review", headers=CW,
                                                 json={"decision": "publish"})
            assert published.status_code == 200 and published.json()["status"] == "published", published.text

            # The person registers as unemployed at the window, and as a job seeker wanting such work.
            application = window_application(now.isoformat())
            created = await registration.post("/api/v1/registrations", headers=CW, json=application)
            assert created.status_code == 201, created.text
            registration_id, person_id = created.json()["id"], created.json()["person_id"]
            seeker = await registration.post("/api/v1/job-seekers", headers=CW, json={
                "person": application["person"], "agency_region_code": AGENCY,
                "intentions": {"occupation_codes": ["4-02-01-01"], "region_codes": [AGENCY],
                               "min_monthly_wage_fen": 400_000, "full_time": True},
                "skills": ["forklift"], "education": "senior_secondary", "experience_years": 3,
            })
            assert seeker.status_code == 201 and seeker.json()["person_id"] == person_id, seeker.text
            review = await registration.post(f"/api/v1/job-seekers/{seeker.json()['id']}/review", headers=CW,
                                             json={"decision": "publish"})
            assert review.status_code == 200, review.text

            # registration.created reaches the follow-up service: it now knows the person.
            assert await registration_relay(sys_, redis).drain() >= 1
            assert (await run_followup_worker(sys_.followup_settings)).jobs_failed == 0

            matches = await followup.get(f"/api/v1/persons/{person_id}/vacancy-matches", headers=CW)
            assert matches.status_code == 200, matches.text
            top = matches.json()["items"][0]
            assert top["vacancy"]["id"] == vacancy_id and top["score"] == 100

            recommended = await followup.post(f"/api/v1/persons/{person_id}/recommendations", headers=CW,
                                              json={"vacancy_id": vacancy_id, "recommended_on": today})
            assert recommended.status_code == 201, recommended.text
            services = await followup.get(f"/api/v1/persons/{person_id}/services", headers=CW)
            assert [s["kind"] for s in services.json()["items"]] == ["job_recommendation"]

            hired = await followup.post(f"/api/v1/recommendations/{recommended.json()['id']}/outcome", headers=CW,
                                        json={"result": "hired", "on": today})
            assert hired.status_code == 200, hired.text
            assert hired.json()["deregistration_requested"]["reason"] == "hired"

            # followup.deregistration_requested reaches the registration service, which deregisters.
            assert await followup_relay(sys_, redis).drain() == 1
            assert (await run_registration_worker(sys_.registration_settings)).jobs_failed == 0
            read = await registration.get(f"/api/v1/registrations/{registration_id}", headers=CW)
            assert read.status_code == 200
            body = read.json()
            assert body["status"] == "deregistered"
            assert (body["deregistration"]["reason"], body["deregistration"]["effective_date"]) == ("hired", today)
        finally:
            await redis.aclose()
