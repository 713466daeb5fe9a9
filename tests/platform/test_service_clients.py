"""Service-to-service HTTP: typed clients against the real peer app, retries, and a peer that is down."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from httpx import ASGITransport
from sqlalchemy import func, insert, select

from followup_svc.models import Deregistration
from registration_svc.config import Settings as RegistrationSettings
from registration_svc.models import platform as registration_platform
from services.launcher import peer_urls
from services.registration.app import create_app as create_registration_app
from shared.clients.registration import PersonIdentity, PersonRefused, RegistrationClient
from shared.context import request_id_var
from shared.db import Database, SessionDep
from shared.errors import PeerUnavailable
from tests.platform.throwaway import platform_settings, throwaway_app
from tests.registration_svc.registration_support import id_number
from tests.support import service_settings


@pytest.fixture
async def registration_app(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[FastAPI]:
    settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    app = create_registration_app(settings=settings, database=database, configure_logs=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def registration(
    registration_app: FastAPI, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[RegistrationClient]:
    settings = platform_settings(database_url, redis_url, queue_prefix)
    client = RegistrationClient(
        "http://registration", settings, caller="followup", transport=ASGITransport(app=registration_app)
    )
    yield client
    await client.aclose()


def identity(number: str) -> PersonIdentity:
    return PersonIdentity(id_type="resident_id", id_number=number, name="王五")


def refusing_transport(counter: list[int], status: int | None = None) -> httpx.MockTransport:
    """A peer that refuses connections (or answers `status`), counting the attempts."""

    def answer(request: httpx.Request) -> httpx.Response:
        counter.append(1)
        if status is None:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(status)

    return httpx.MockTransport(answer)


class TestAgainstTheRealPeer:
    async def test_put_and_get_a_person_with_a_system_token(self, registration: RegistrationClient) -> None:
        number = id_number(date(1983, 7, 9), sequence=411)
        person = await registration.put_person(identity(number))
        assert person.id_number == number and person.birth_date == date(1983, 7, 9)
        again = await registration.get_person(person.id)
        assert again is not None and again.id == person.id and again.id_number == number
        assert await registration.get_person(uuid.uuid4()) is None

    async def test_the_request_id_is_carried_to_the_peer(
        self, registration: RegistrationClient, database: Database
    ) -> None:
        token = request_id_var.set("req-from-followup-1")
        try:
            person = await registration.put_person(identity(id_number(date(1983, 7, 9), sequence=412)))
        finally:
            request_id_var.reset(token)
        audit = registration_platform.audit_log
        async with database.transaction() as session:
            request_ids = (await session.scalars(
                select(audit.c.request_id).where(audit.c.record_id == str(person.id))
            )).all()
        assert request_ids == ["req-from-followup-1"]

    async def test_a_refused_identity_passes_the_peers_violations_on(self, registration: RegistrationClient) -> None:
        number = id_number(date(1983, 7, 9), sequence=413)
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        with pytest.raises(PersonRefused) as raised:
            await registration.put_person(identity(wrong))
        assert raised.value.status == 422 and {v.rule for v in raised.value.violations} == {"REG-ID"}


class TestPeerDown:
    async def test_idempotent_calls_are_retried_then_name_the_peer(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        attempts: list[int] = []
        settings = platform_settings(database_url, redis_url, queue_prefix, peer_retries=2)
        client = RegistrationClient("http://registration", settings, caller="followup",
                                    transport=refusing_transport(attempts))
        with pytest.raises(PeerUnavailable) as raised:
            await client.get_person(uuid.uuid4())
        assert len(attempts) == 3
        assert raised.value.status == 503 and "registration" in raised.value.detail
        assert "登记服务" in raised.value.detail_zh and raised.value.headers == {"Retry-After": "5"}

    async def test_a_post_without_a_key_is_not_retried(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        attempts: list[int] = []
        settings = platform_settings(database_url, redis_url, queue_prefix, peer_retries=2)
        client = RegistrationClient("http://registration", settings, caller="followup",
                                    transport=refusing_transport(attempts, status=503))
        with pytest.raises(PeerUnavailable):
            await client.request("POST", "/api/v1/anything", json={})
        assert len(attempts) == 1
        with pytest.raises(PeerUnavailable):
            await client.request("POST", "/api/v1/anything", json={}, idempotency_key="k-1")
        assert len(attempts) == 4

    async def test_an_endpoint_whose_peer_is_down_answers_503_and_saves_nothing(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = platform_settings(database_url, redis_url, queue_prefix, peer_retries=1)
        router = APIRouter()
        registration_id = uuid.uuid4()

        @router.post("/closures")
        async def close_after_asking_the_peer(request: Request, session: SessionDep) -> None:
            # Writes first, then needs the peer: the failed call must take the write back with it.
            await session.execute(insert(Deregistration).values(
                registration_id=registration_id, reason="hired", effective_date=date(2026, 11, 20)))
            peer = RegistrationClient("http://127.0.0.1:1", settings, caller="followup")
            try:
                await peer.get_person(uuid.uuid4())
            finally:
                await peer.aclose()

        async with throwaway_app([router], settings, database) as client:
            response = await client.post("/api/v1/closures")
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["code"] == "service.peer_unavailable" and "registration" in body["detail"]
        assert response.headers["retry-after"] == "5"
        async with database.transaction() as session:
            count = await session.scalar(
                select(func.count()).where(Deregistration.registration_id == registration_id)
            )
        assert count == 0


class TestLauncherWiring:
    def test_children_find_their_peers_on_the_ports_of_this_launch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("REGISTRATION_PORT", "9101")
        monkeypatch.delenv("REGISTRATION_URL", raising=False)
        monkeypatch.setenv("SUBSIDY_URL", "http://subsidy.internal:80")
        urls = peer_urls()
        assert urls["REGISTRATION_URL"] == "http://127.0.0.1:9101"
        assert urls["SUBSIDY_URL"] == "http://subsidy.internal:80"
        assert urls["FOLLOWUP_URL"].startswith("http://127.0.0.1:")

