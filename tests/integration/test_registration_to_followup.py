"""End to end: a registration goes through the outbox, the relay and the queue to a follow-up task (FU-CONTACT)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from httpx import AsyncClient
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import update

from registration_svc.models import platform as registration_platform
from services.embedded import EmbeddedRedis
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from tests.integration.e2e_support import (
    AGENCY,
    System,
    registration_relay,
    run_followup_worker,
    system,
    window_application,
)
from tests.support import bearer, running_app

FIRST_CONTACTS = "/api/v1/followups/first-contacts"


@contextlib.asynccontextmanager
async def apps(sys_: System) -> AsyncIterator[tuple[AsyncClient, AsyncClient]]:
    """Runs the real registration and followup apps on committing databases."""
    async with (
        running_app(create_registration_app, sys_.registration_settings, sys_.registration_db) as registration,
        running_app(create_followup_app, sys_.followup_settings, sys_.followup_db) as followup,
    ):
        yield registration, followup


async def task_of(followup: AsyncClient, registration_id: str) -> dict[str, Any] | None:
    response = await followup.get(FIRST_CONTACTS, params={"region": AGENCY}, headers=bearer("caseworker", AGENCY))
    assert response.status_code == 200, response.text
    matches = [t for t in response.json()["items"] if t["registration_id"] == registration_id]
    assert len(matches) <= 1
    return matches[0] if matches else None


async def register(registration: AsyncClient, applied_at: str) -> dict[str, Any]:
    response = await registration.post(
        "/api/v1/registrations",
        json=window_application(applied_at),
        headers=bearer("caseworker", AGENCY, "cw-e2e"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "registered"
    return body


class TestRegistrationToFollowup:
    async def test_registration_creates_a_first_contact_task_and_deregistration_cancels_it(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with system(database_url, redis_url, queue_prefix) as sys_, apps(sys_) as (registration, followup):
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            try:
                # Mon 2026-11-16 at the window: registered that day, first contact due Mon 2026-11-23.
                created = await register(registration, "2026-11-16T10:00:00+08:00")
                assert await task_of(followup, created["id"]) is None
                assert await registration_relay(sys_, redis).drain() >= 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0 and worker.jobs_complete >= 1

                task = await task_of(followup, created["id"])
                assert task is not None
                assert (task["status"], task["registered_on"], task["due_on"]) == ("open", "2026-11-16", "2026-11-23")
                assert task["person_id"] == created["person_id"] and task["agency_region_code"] == AGENCY
                assert task["due"]["rule"] == "FU-CONTACT" and task["due"]["workdays"] == 5
                assert task["due"]["estimated"] is False
                one = await followup.get(f"{FIRST_CONTACTS}/{task['id']}", headers=bearer("reviewer", AGENCY))
                assert one.status_code == 200 and one.json()["id"] == task["id"]

                deregistered = await registration.post(
                    f"/api/v1/registrations/{created['id']}/deregistration",
                    json={"reason": "hired", "effective_date": "2026-11-20", "note": "found a job"},
                    headers=bearer("caseworker", AGENCY, "cw-e2e"),
                )
                assert deregistered.status_code == 200, deregistered.text
                assert await registration_relay(sys_, redis).drain() >= 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0
                task = await task_of(followup, created["id"])
                assert task is not None and task["status"] == "cancelled" and task["cancelled_at"]
            finally:
                await redis.aclose()

    async def test_redelivered_event_creates_no_second_task(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with system(database_url, redis_url, queue_prefix) as sys_, apps(sys_) as (registration, followup):
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            try:
                created = await register(registration, "2026-11-20T09:00:00+08:00")
                relay = registration_relay(sys_, redis)
                await relay.drain()
                await run_followup_worker(sys_.followup_settings)
                # The same event on the queue again (arq forgot the job): the processed_event row stops it.
                outbox = registration_platform.outbox
                async with sys_.registration_db.transaction() as session:
                    event_ids = (
                        (
                            await session.execute(
                                update(outbox)
                                .where(outbox.c.payload["registration_id"].astext == created["id"])
                                .values(published_at=None)
                                .returning(outbox.c.id)
                            )
                        )
                        .scalars()
                        .all()
                    )
                assert len(event_ids) == 1
                await redis.delete(f"arq:result:{event_ids[0]}:followup")
                assert await relay.drain() == 1
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0 and worker.jobs_complete == 1
                response = await followup.get(
                    FIRST_CONTACTS, params={"region": AGENCY}, headers=bearer("caseworker", AGENCY)
                )
                ids = [t["registration_id"] for t in response.json()["items"]]
                assert ids.count(created["id"]) == 1
            finally:
                await redis.aclose()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TestRedisDown:
    async def test_registration_succeeds_without_redis_and_the_task_appears_after_it_returns(
        self, database_url: str, queue_prefix: str, tmp_path: Path
    ) -> None:
        port = _free_port()
        url = f"redis://127.0.0.1:{port}/0"
        server = EmbeddedRedis(tmp_path / "redis", port=port)
        server.start()
        redis: ArqRedis | None = None
        try:
            redis = await create_pool(RedisSettings.from_dsn(url))
            async with system(database_url, url, queue_prefix) as sys_, apps(sys_) as (registration, followup):
                server.stop()
                created = await register(registration, "2026-09-28T10:00:00+08:00")  # commits without Redis
                relay = registration_relay(sys_, redis)
                with pytest.raises((RedisConnectionError, OSError)):
                    await relay.publish_pending()
                ready = await registration.get("/readyz")
                assert ready.status_code == 503 and "redis" in ready.json()["detail"]

                server = EmbeddedRedis(tmp_path / "redis", port=port)
                server.start()
                async with asyncio.timeout(20):
                    while True:  # the relay loop's job: retry until Redis answers again
                        try:
                            if await relay.drain():
                                break
                        except (RedisConnectionError, OSError):
                            await asyncio.sleep(0.1)
                worker = await run_followup_worker(sys_.followup_settings)
                assert worker.jobs_failed == 0
                task = await task_of(followup, created["id"])
                # Mon 2026-09-28: 29, 30 Sep, National Day 1-7 Oct off, then 8, 9 and make-up Sat 10 Oct.
                assert task is not None and task["due_on"] == date(2026, 10, 10).isoformat()
        finally:
            if redis is not None:
                await redis.aclose()
            server.stop()
