"""Transactional outbox, relay and consumer on real PostgreSQL and Redis, including a Redis outage."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.models import platform as registration_platform
from services.embedded import EmbeddedRedis
from shared import outbox
from shared.db import Database
from shared.events import HANDLE_EVENT_JOB, EventEnvelope, EventType, RegistrationCreated

OUTBOX = registration_platform.outbox
PROCESSED = registration_platform.processed_event


class Boom(Exception):
    """Raised to roll a transaction back."""


def payload() -> RegistrationCreated:
    return RegistrationCreated(
        registration_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        agency_region_code="440203",
        channel="window",
        status="registered",
        applied_at=datetime(2026, 11, 16, 2, tzinfo=UTC),
        registered_on=date(2026, 11, 16),
    )


@pytest.fixture
async def committing(database_url: str) -> AsyncIterator[Database]:
    """A Database that really commits; the outbox rows made through it are deleted afterwards."""
    db = Database.from_url(database_url, pool_size=2, max_overflow=2)
    before = datetime.now(UTC)
    yield db
    async with db.transaction() as session:
        await session.execute(delete(OUTBOX).where(OUTBOX.c.created_at >= before))
    await db.dispose()


@pytest.fixture
def prefix(queue_prefix: str) -> str:
    """A queue prefix of this test only, so no other test's worker drains these jobs."""
    return f"{queue_prefix}-outbox-{uuid.uuid4().hex[:6]}"


@pytest.fixture
async def arq_redis(redis_url: str, prefix: str) -> AsyncIterator[ArqRedis]:
    redis = await create_pool(RedisSettings.from_dsn(redis_url))
    yield redis
    await _forget_queue(redis, prefix)
    await redis.aclose()


async def _forget_queue(redis: ArqRedis, prefix: str) -> None:
    queue = f"{prefix}:followup"
    for job_id in await redis.zrange(queue, 0, -1):
        await redis.delete(f"arq:job:{job_id.decode()}")
    await redis.delete(queue)


def relay(database: Database, redis: ArqRedis, prefix: str) -> outbox.OutboxRelay:
    return outbox.OutboxRelay(database, OUTBOX, redis, source="registration", queue_name=lambda s: f"{prefix}:{s}")


async def emit_committed(database: Database) -> uuid.UUID:
    async with database.transaction() as session:
        return await outbox.emit(session, OUTBOX, EventType.REGISTRATION_CREATED, payload())


async def outbox_row(database: Database, event_id: uuid.UUID) -> dict[str, object] | None:
    async with database.transaction() as session:
        row = (await session.execute(select(OUTBOX).where(OUTBOX.c.id == event_id))).mappings().first()
        return dict(row) if row else None


class TestEmit:
    async def test_rolled_back_transaction_leaves_no_event(self, committing: Database) -> None:
        event_id: uuid.UUID | None = None
        with pytest.raises(Boom):
            async with committing.transaction() as session:
                event_id = await outbox.emit(session, OUTBOX, EventType.REGISTRATION_CREATED, payload())
                raise Boom
        assert event_id is not None
        assert await outbox_row(committing, event_id) is None

    async def test_committed_event_is_pending(self, committing: Database) -> None:
        event_id = await emit_committed(committing)
        row = await outbox_row(committing, event_id)
        assert row is not None and row["published_at"] is None and row["event_type"] == "registration.created"


class TestRelay:
    async def test_publishes_to_the_subscriber_queue_and_marks_published(
        self, committing: Database, arq_redis: ArqRedis, prefix: str
    ) -> None:
        event_id = await emit_committed(committing)
        assert await relay(committing, arq_redis, prefix).drain() >= 1
        job_id = f"{event_id}:followup"
        assert await arq_redis.zscore(f"{prefix}:followup", job_id) is not None
        info = await Job(job_id, arq_redis, _queue_name=f"{prefix}:followup").info()
        assert info is not None and info.function == HANDLE_EVENT_JOB
        envelope = EventEnvelope.model_validate(info.args[0])
        assert (envelope.id, envelope.type, envelope.source) == (event_id, "registration.created", "registration")
        row = await outbox_row(committing, event_id)
        assert row is not None and row["published_at"] is not None and row["attempts"] == 1

    async def test_second_run_sends_nothing_again(self, committing: Database, arq_redis: ArqRedis, prefix: str) -> None:
        await emit_committed(committing)
        relayer = relay(committing, arq_redis, prefix)
        assert await relayer.drain() >= 1
        assert await relayer.drain() == 0
        assert await arq_redis.zcard(f"{prefix}:followup") == 1

    async def test_resend_after_a_crash_is_deduplicated_by_job_id(
        self, committing: Database, arq_redis: ArqRedis, prefix: str
    ) -> None:
        event_id = await emit_committed(committing)
        relayer = relay(committing, arq_redis, prefix)
        await relayer.drain()
        # As if the relay died after enqueueing but before its commit: the row is pending again.
        async with committing.transaction() as session:
            await session.execute(update(OUTBOX).where(OUTBOX.c.id == event_id).values(published_at=None))
        assert await relayer.drain() == 1
        assert await arq_redis.zcard(f"{prefix}:followup") == 1


class TestConsume:
    async def test_same_envelope_twice_runs_the_handler_once(self, database: Database) -> None:
        calls: list[uuid.UUID] = []

        async def handler(session: AsyncSession, envelope: EventEnvelope) -> None:
            calls.append(envelope.id)

        body = EventEnvelope(
            id=uuid.uuid4(),
            type="registration.created",
            source="registration",
            occurred_at=datetime.now(UTC),
            payload=payload().model_dump(mode="json"),
        ).model_dump(mode="json")
        handlers = {"registration.created": handler}
        assert await outbox.consume_event(database, PROCESSED, body, handlers) is True
        assert await outbox.consume_event(database, PROCESSED, body, handlers) is False
        assert len(calls) == 1

    async def test_failed_handler_leaves_the_event_unprocessed(self, database: Database) -> None:
        attempts: list[int] = []

        async def flaky(session: AsyncSession, envelope: EventEnvelope) -> None:
            attempts.append(1)
            if len(attempts) == 1:
                raise Boom

        body = EventEnvelope(
            id=uuid.uuid4(),
            type="registration.created",
            source="registration",
            occurred_at=datetime.now(UTC),
            payload=payload().model_dump(mode="json"),
        ).model_dump(mode="json")
        with pytest.raises(Boom):
            await outbox.consume_event(database, PROCESSED, body, {"registration.created": flaky})
        assert await outbox.consume_event(database, PROCESSED, body, {"registration.created": flaky}) is True
        assert len(attempts) == 2

    async def test_concurrent_deliveries_run_the_handler_once(self, database_url: str) -> None:
        db = Database.from_url(database_url, pool_size=4, max_overflow=0)
        calls: list[uuid.UUID] = []

        async def slow(session: AsyncSession, envelope: EventEnvelope) -> None:
            calls.append(envelope.id)
            await asyncio.sleep(0.2)

        event_id = uuid.uuid4()
        body = EventEnvelope(
            id=event_id,
            type="registration.created",
            source="registration",
            occurred_at=datetime.now(UTC),
            payload=payload().model_dump(mode="json"),
        ).model_dump(mode="json")
        try:
            results = await asyncio.gather(
                *(outbox.consume_event(db, PROCESSED, body, {"registration.created": slow}) for _ in range(3))
            )
            assert sorted(results) == [False, False, True] and calls == [event_id]
        finally:
            async with db.transaction() as session:
                await session.execute(delete(PROCESSED).where(PROCESSED.c.event_id == event_id))
            await db.dispose()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def separate_redis(data_dir: Path) -> Iterator[tuple[EmbeddedRedis, int]]:
    """A Redis of this test only (it gets stopped), on a fixed port so a restart keeps the URL."""
    port = _free_port()
    server = EmbeddedRedis(data_dir, port=port)
    server.start()
    try:
        yield server, port
    finally:
        server.stop()


class TestRedisOutage:
    async def test_writes_commit_while_redis_is_down_and_go_out_when_it_returns(
        self, committing: Database, tmp_path: Path, prefix: str
    ) -> None:
        with separate_redis(tmp_path / "redis") as (server, port):
            redis = await create_pool(RedisSettings.from_dsn(f"redis://127.0.0.1:{port}/0"))
            relayer = relay(committing, redis, prefix)
            try:
                server.stop()
                event_id = await emit_committed(committing)  # the write itself needs no Redis
                with pytest.raises((RedisConnectionError, OSError)):
                    await relayer.publish_pending()
                row = await outbox_row(committing, event_id)
                assert row is not None and row["published_at"] is None

                # The relay loop keeps retrying through the outage and delivers once Redis is back.
                loop = asyncio.create_task(relayer.run_forever(interval=0.05, max_backoff=0.2))
                await asyncio.sleep(0.5)
                row = await outbox_row(committing, event_id)
                assert row is not None and row["published_at"] is None and not loop.done()

                server = EmbeddedRedis(tmp_path / "redis", port=port)
                server.start()
                async with asyncio.timeout(20):
                    # Polls the database: the relay runs in another task and signals nothing.
                    while True:
                        row = await outbox_row(committing, event_id)
                        if row is None or row["published_at"] is not None:
                            break
                        await asyncio.sleep(0.05)
                loop.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await loop
                job_id = f"{event_id}:followup"
                assert await redis.zscore(f"{prefix}:followup", job_id) is not None
                info = await Job(job_id, redis, _queue_name=f"{prefix}:followup").info()
                assert info is not None and info.function == HANDLE_EVENT_JOB
            finally:
                await redis.aclose()
                server.stop()
