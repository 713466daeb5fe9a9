"""The job-services calls of the registration client against the real registration app: a published job
seeker's intentions, a vacancy's state, every open vacancy page by page, ranked by shared.matching."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from httpx import ASGITransport, AsyncClient

from registration_svc.config import Settings
from services.registration.app import create_app
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.errors import PeerUnavailable
from shared.matching import rank_vacancies
from tests.platform.throwaway import platform_settings
from tests.registration_svc.job_support import FRIDAY, OTHER_EMPLOYER, employer, job_seeker_body, vacancy_body
from tests.registration_svc.registration_support import caseworker
from tests.support import service_settings


@pytest.fixture
async def apps(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[tuple[AsyncClient, RegistrationClient]]:
    """The registration app on a fixed clock, as a test client and as a peer's RegistrationClient."""
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    app = create_app(settings=settings, database=database, clock=Clock.fixed(FRIDAY), configure_logs=False)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        peer = RegistrationClient("http://registration", platform_settings(database_url, redis_url, queue_prefix),
                                  caller="followup", transport=transport)
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, peer
        await peer.aclose()


class TestJobCalls:
    async def test_open_vacancies_ranked_for_a_published_job_seeker(
        self, apps: tuple[AsyncClient, RegistrationClient]
    ) -> None:
        client, peer = apps
        ids = []
        for body in (vacancy_body(occupation_code="4-02-01-01"), vacancy_body(occupation_code="4-02-03-01"),
                     vacancy_body(credit_code=OTHER_EMPLOYER, occupation_code="2-05-01-01",
                                  requirements={"skills": ["nursing"]}),
                     vacancy_body(occupation_code="4-02-01-01", title="未审核")):
            created = await client.post("/api/v1/vacancies", json=body,
                                        headers=employer(body["employer"]["credit_code"]))
            ids.append(created.json()["id"])
        for vacancy_id in ids[:3]:
            await client.post(f"/api/v1/vacancies/{vacancy_id}/review", json={"decision": "publish"},
                              headers=caseworker())
        seeker = (await client.post("/api/v1/job-seekers", json=job_seeker_body(), headers=caseworker())).json()
        assert await peer.published_job_seeker(uuid.UUID(seeker["person_id"])) is None
        await client.post(f"/api/v1/job-seekers/{seeker['id']}/review", json={"decision": "publish"},
                          headers=caseworker())

        intentions = await peer.published_job_seeker(uuid.UUID(seeker["person_id"]))
        assert intentions is not None and intentions.occupation_codes == ["4-02-01-01"]
        vacancies = await peer.open_vacancies(page_size=2)
        # All made at the clock's one instant: pages follow the ids then, each vacancy once.
        assert sorted(str(v.id) for v in vacancies) == sorted(ids[:3])
        ranked = rank_vacancies(intentions.profile(), [v.matchable() for v in vacancies])
        # The nursing post shares neither occupation group nor skill: it is not offered.
        assert [str(m.vacancy_id) for m in ranked] == ids[:2]
        assert ranked[0].score == 100 and ranked[1].reasons[0].points == 16

        state = await peer.get_vacancy(uuid.UUID(ids[3]))
        assert state is not None and state.status == "pending_review"
        assert await peer.get_vacancy(uuid.uuid4()) is None

    async def test_a_registration_service_that_is_down_is_the_503_naming_it(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        settings = platform_settings(database_url, redis_url, queue_prefix, peer_retries=0)
        peer = RegistrationClient("http://registration", settings, caller="followup",
                                  transport=httpx.MockTransport(refuse))
        with pytest.raises(PeerUnavailable) as raised:
            await peer.open_vacancies()
        assert raised.value.status == 503 and "registration" in raised.value.detail
        await peer.aclose()
