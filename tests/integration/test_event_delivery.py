"""Published is not delivered (issue 15 §2): events a subscriber has not acknowledged are sent again, and
those it gave up on are dead letters, retried and replayable, never dropped.

Both tests use servers of their own where they break something: a Redis this test starts (and flushes) on
a free port, and, for the consumer's database, an embedded PostgreSQL this test starts and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker, create_worker
from sqlalchemy import Table, delete, select

from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.models import platform as eligibility_platform
from followup_svc.config import Settings as FollowupSettings
from registration_svc.config import Settings as RegistrationSettings
from registration_svc.models import platform as registration_platform
from services.eligibility.worker import worker_settings as eligibility_worker_settings
from services.embedded import EmbeddedPostgres, EmbeddedRedis
from services.followup.worker import worker_settings as followup_worker_settings
from services.migrate import upgrade_all
from services.registration.app import create_app as create_registration_app
from services.registration.worker import worker_settings as registration_worker_settings
from shared.db import Database
from shared.delivery import delivery_backlog, resend_due
from shared.events import EventType, RegistrationDeregistered
from shared.outbox import OutboxRelay, emit
from tests.integration.e2e_support import (
    AGENCY,
    System,
    preserved_logging,
    run_followup_worker,
    system,
    window_application,
)
from tests.support import bearer, running_app, service_settings

DELIVERY: Table = registration_platform.event_delivery


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    for _ in itertools.count():
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {seconds:g} s: {what}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def own_redis() -> AsyncIterator[str]:
    """A redis-server of this test only (it gets flushed), on a free port."""
    data_dir = Path(tempfile.mkdtemp(prefix="jiuye-delivery-redis-"))
    server = EmbeddedRedis(data_dir, port=_free_port())
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _relay(sys_: System, redis: ArqRedis, ack_seconds: float) -> OutboxRelay:
    return OutboxRelay(
        sys_.registration_db, registration_platform.outbox, redis, source="registration",
        queue_name=sys_.followup_settings.queue_name, delivery=DELIVERY, ack_seconds=ack_seconds,
    )


async def _resend(sys_: System, redis: ArqRedis) -> int:
    settings = sys_.registration_settings
    return await resend_due(
        sys_.registration_db, registration_platform.outbox, DELIVERY, redis, source="registration",
        queue_name=sys_.followup_settings.queue_name, ack_seconds=settings.event_ack_seconds,
        max_seconds=settings.event_resend_max_seconds,
    )


async def _delivery(database: Database, event_id: uuid.UUID) -> dict[str, Any]:
    async with database.transaction() as session:
        row = (await session.execute(select(DELIVERY).where(DELIVERY.c.event_id == event_id))).mappings().one()
        return dict(row)


async def _event_of(database: Database, registration_id: str) -> uuid.UUID:
    outbox = registration_platform.outbox
    async with database.transaction() as session:
        return cast(uuid.UUID, (await session.execute(
            select(outbox.c.id).where(outbox.c.payload["registration_id"].astext == registration_id)
        )).scalar_one())


async def _burst(settings: type) -> Worker:
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
    with preserved_logging():
        try:
            await worker.main()
        finally:
            await worker.close()
    return worker


@contextlib.asynccontextmanager
async def _running_worker(settings: type) -> AsyncIterator[Worker]:
    """Runs a real worker (not in burst mode) in the background until the block ends."""
    worker = create_worker(settings, handle_signals=False, poll_delay=0.05)
    with preserved_logging():
        task = asyncio.create_task(worker.main())
        try:
            async def started() -> bool:
                if task.done():
                    task.result()
                return "worker_context" in worker.ctx

            await _eventually(started, 20, "worker started")
            yield worker
        finally:
            # Stop between jobs: arq's close() cancels a job still running and then gathers it, which raises
            # CancelledError here (a job finishing its acknowledgement as the block ended, CI run of stop 18).
            async def idle() -> bool:
                return all(t.done() for t in worker.tasks.values())

            await _eventually(idle, 20, "the worker's running jobs finished")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await worker.close()


async def _register(sys_: System) -> str:
    async with running_app(create_registration_app, sys_.registration_settings, sys_.registration_db) as client:
        response = await client.post("/api/v1/registrations", json=window_application("2026-11-20T10:00:00+08:00"),
                                     headers=bearer("caseworker", AGENCY, "cw-delivery"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class TestRedisLosesThePublishedEvent:
    async def test_an_event_flushed_from_redis_is_sent_again_until_the_subscriber_acknowledges_it(
        self, database_url: str, own_redis: str, queue_prefix: str
    ) -> None:
        redis = await create_pool(RedisSettings.from_dsn(own_redis))
        try:
            async with system(database_url, own_redis, queue_prefix) as sys_:
                sys_.registration_settings.event_ack_seconds = 1.5
                registration_id = await _register(sys_)
                event_id = await _event_of(sys_.registration_db, registration_id)
                assert await _relay(sys_, redis, ack_seconds=1.5).drain() == 1
                assert (await _delivery(sys_.registration_db, event_id))["acked_at"] is None
                assert await _resend(sys_, redis) == 0  # not before the acknowledgement bound

                await redis.flushall()  # Redis loses its data between publish and consume
                assert (await run_followup_worker(sys_.followup_settings)).jobs_complete == 0
                assert not await _task_exists(sys_.followup_db, registration_id)
                async with sys_.registration_db.transaction() as session:
                    backlog = await delivery_backlog(session, DELIVERY)
                assert [(b["subscriber"], b["unacknowledged"]) for b in backlog] == [("followup", 1)]
                async with running_app(create_registration_app, sys_.registration_settings,
                                       sys_.registration_db) as client:
                    metrics = (await client.get("/metrics")).text
                assert 'jiuye_events_unacknowledged{service="registration",subscriber="followup"} 1' in metrics

                resent: list[int] = []

                async def sent_again() -> bool:
                    resent.append(await _resend(sys_, redis))
                    return resent[-1] > 0

                await _eventually(sent_again, 5, "the unacknowledged event sent again")
                assert resent[-1] == 1
                assert (await run_followup_worker(sys_.followup_settings)).jobs_complete == 1
                assert await _task_exists(sys_.followup_db, registration_id)

                # The consumer's processed-event record is acknowledged back to the producer's queue.
                await _burst(registration_worker_settings(sys_.registration_settings, run_relay=False))
                row = await _delivery(sys_.registration_db, event_id)
                assert row["acked_at"] is not None and row["sends"] == 2 and row["failures"] == 0
                async with sys_.registration_db.transaction() as session:
                    assert await delivery_backlog(session, DELIVERY) == []
                await asyncio.sleep(3.1)  # past the next send it would have had (1.5 s doubled)
                assert await _resend(sys_, redis) == 0  # acknowledged: never sent again
        finally:
            await redis.aclose()


async def _task_exists(database: Database, registration_id: str) -> bool:
    async with database.transaction() as session:
        from followup_svc.models import FirstContactTask

        found = await session.execute(
            select(FirstContactTask.id).where(FirstContactTask.registration_id == uuid.UUID(registration_id))
        )
        return found.first() is not None


class TestTheConsumersDatabaseIsDownLongerThanItsRetries:
    @pytest.mark.timeout(240)
    async def test_the_event_becomes_a_dead_letter_with_its_error_and_is_delivered_after_a_replay(
        self, database_url: str, own_redis: str, queue_prefix: str
    ) -> None:
        pg_dir = Path(tempfile.mkdtemp(prefix="jiuye-delivery-pg-"))
        consumer_pg = EmbeddedPostgres(pg_dir)
        consumer_url = await asyncio.to_thread(consumer_pg.start)
        redis = await create_pool(RedisSettings.from_dsn(own_redis))
        try:
            await asyncio.to_thread(upgrade_all, consumer_url)
            async with system(database_url, own_redis, queue_prefix) as sys_:
                registration_settings = cast(RegistrationSettings, sys_.registration_settings)
                # A dead letter is sent again after this long (doubling, capped): the replay comes first.
                registration_settings.event_ack_seconds = 120
                followup_settings = cast(FollowupSettings, sys_.followup_settings.model_copy(update={
                    "database_url": consumer_url, "event_max_tries": 3, "event_retry_max_seconds": 0.2,
                }))
                async with (
                    _running_worker(followup_worker_settings(followup_settings, run_relay=False)),
                    _running_worker(registration_worker_settings(registration_settings, run_relay=False)),
                ):
                    await asyncio.to_thread(consumer_pg.stop)  # the consumer's database goes away
                    registration_id = await _register(sys_)
                    event_id = await _event_of(sys_.registration_db, registration_id)
                    assert await _relay(sys_, redis, ack_seconds=120).drain() == 1

                    async def dead_lettered() -> bool:
                        return (await _delivery(sys_.registration_db, event_id))["failed_at"] is not None

                    await _eventually(dead_lettered, 60, "the consumer reports the event as a dead letter")
                    row = await _delivery(sys_.registration_db, event_id)
                    assert row["acked_at"] is None and row["failures"] == 1
                    assert "connect" in row["last_error"].lower() or "Errno" in row["last_error"], row["last_error"]
                    wait = (row["next_send_at"] - row["failed_at"]).total_seconds()
                    assert 119 <= wait <= 121  # retried after the capped backoff, not dropped

                    async with running_app(create_registration_app, registration_settings,
                                           sys_.registration_db) as client:
                        metrics = (await client.get("/metrics")).text
                        assert 'jiuye_events_dead_letters{service="registration",subscriber="followup"} 1' in metrics
                        ready = (await client.get("/readyz", params={"verbose": "true"})).json()
                        assert ready["events"][0]["subscriber"] == "followup"
                        assert ready["events"][0]["dead_letters"] == 1
                        admin = bearer("admin", "44", "ops-1")
                        listed = (await client.get("/api/v1/events/dead-letters", headers=admin)).json()
                        assert [(i["event_id"], i["subscriber"]) for i in listed["items"]] == [
                            (str(event_id), "followup")
                        ]
                        caseworker = bearer("caseworker", "44", "cw-1")
                        replay = f"/api/v1/events/dead-letters/{event_id}/followup/replay"
                        assert (await client.post(replay, headers=caseworker)).status_code == 403

                        restarted = EmbeddedPostgres(pg_dir)
                        assert await asyncio.to_thread(restarted.start) == consumer_url
                        consumer_pg = restarted
                        replayed = await client.post(replay, headers=admin)
                        assert replayed.status_code == 202, replayed.text
                        unknown = f"/api/v1/events/dead-letters/{uuid.uuid4()}/followup/replay"
                        assert (await client.post(unknown, headers=admin)).status_code == 404
                    assert await _resend(sys_, redis) == 1

                    async def acknowledged() -> bool:
                        return (await _delivery(sys_.registration_db, event_id))["acked_at"] is not None

                    await _eventually(acknowledged, 60, "the replayed event handled and acknowledged")
                consumer_db = Database.from_url(consumer_url, pool_size=1, max_overflow=0)
                try:
                    assert await _task_exists(consumer_db, registration_id)
                finally:
                    await consumer_db.dispose()
                audit = registration_platform.audit_log
                async with sys_.registration_db.transaction() as session:
                    entries = (await session.execute(
                        select(audit.c.action, audit.c.role).where(audit.c.record_id == f"{event_id}:followup")
                    )).all()
                assert [tuple(e) for e in entries] == [("event.replay", "admin")]
        finally:
            await redis.aclose()
            await asyncio.to_thread(consumer_pg.stop)
            shutil.rmtree(pg_dir, ignore_errors=True)


class TestEveryNewSubscriberAcknowledges:
    async def test_registration_deregistered_is_acknowledged_by_eligibility_per_subscriber(
        self, database_url: str, own_redis: str, queue_prefix: str
    ) -> None:
        """registration.deregistered goes to followup and eligibility (DIFF-EXIT): one delivery row per
        subscriber, and eligibility's receipt acknowledges its own row only."""
        started = datetime.now().astimezone()
        redis = await create_pool(RedisSettings.from_dsn(own_redis))
        try:
            async with system(database_url, own_redis, queue_prefix) as sys_:
                eligibility_settings = cast(EligibilitySettings, service_settings(
                    EligibilitySettings, database_url, own_redis, sys_.followup_settings.queue_prefix))
                event = RegistrationDeregistered(
                    registration_id=uuid.uuid4(), person_id=uuid.uuid4(), agency_region_code=AGENCY,
                    reason="employed", effective_date=date(2026, 11, 20),
                )
                async with sys_.registration_db.transaction() as session:
                    event_id = await emit(session, registration_platform.outbox,
                                          EventType.REGISTRATION_DEREGISTERED, event)
                assert await _relay(sys_, redis, ack_seconds=60).drain() == 1
                eligibility = await _burst(eligibility_worker_settings(eligibility_settings, run_relay=False))
                assert (eligibility.jobs_failed, eligibility.jobs_complete) == (0, 1)
                await _burst(registration_worker_settings(sys_.registration_settings, run_relay=False))
                async with sys_.registration_db.transaction() as session:
                    rows = (await session.execute(
                        select(DELIVERY).where(DELIVERY.c.event_id == event_id).order_by(DELIVERY.c.subscriber)
                    )).mappings().all()
                assert [(r["subscriber"], r["acked_at"] is not None) for r in rows] == [
                    ("eligibility", True), ("followup", False)]
        finally:
            await redis.aclose()
            eligibility_db = Database.from_url(database_url, pool_size=1, max_overflow=0)
            try:
                async with eligibility_db.transaction() as session:
                    processed = eligibility_platform.processed_event
                    await session.execute(delete(processed).where(processed.c.processed_at >= started))
            finally:
                await eligibility_db.dispose()
