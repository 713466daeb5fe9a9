"""Transactional outbox: events are rows written with the change, relayed to the queues after commit."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from functools import cache

from arq.connections import ArqRedis
from pydantic import BaseModel
from sqlalchemy import Insert, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.context import current_request_id, request_id_var
from shared.db import Database
from shared.delivery import envelope_body, record_sends
from shared.events import HANDLE_EVENT_JOB, SUBSCRIPTIONS, EventEnvelope

logger = logging.getLogger(__name__)

EventHandler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


@cache
def _insert(outbox: Table) -> Insert:
    # One statement per table, values bound at execution: its cache key is computed once, not per event.
    return insert(outbox)


def _event(event_type: str, payload: BaseModel) -> tuple[uuid.UUID, dict[str, object]]:
    event_id = uuid.uuid4()
    return event_id, {
        "id": event_id,
        "event_type": event_type,
        "payload": payload.model_dump(mode="json"),
        "request_id": current_request_id(),
        "created_at": datetime.now(UTC),
    }


async def emit(session: AsyncSession, outbox: Table, event_type: str, payload: BaseModel) -> uuid.UUID:
    """Adds an event to the outbox in the caller's transaction; it is sent only if that commits."""
    event_id, values = _event(event_type, payload)
    await session.execute(_insert(outbox), values)
    return event_id


class OutboxRelay:
    """Sends committed outbox rows to the subscribers' arq queues and marks them published."""

    def __init__(
        self, database: Database, outbox: Table, redis: ArqRedis, *, source: str,
        queue_name: Callable[[str], str], batch_size: int = 200,
        delivery: Table | None = None, ack_seconds: float = 300.0,
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.redis = redis
        self.source = source
        self.queue_name = queue_name
        self.batch_size = batch_size
        # With a delivery table, each send is noted so unacknowledged events are sent again (shared/delivery.py).
        self.delivery = delivery
        self.ack_seconds = ack_seconds

    async def publish_pending(self) -> int:
        """Publishes one batch; returns how many events went out. Raises if Redis is unreachable."""
        async with self.database.transaction() as session:
            rows = (
                await session.execute(
                    select(self.outbox)
                    .where(self.outbox.c.published_at.is_(None))
                    .order_by(self.outbox.c.created_at)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).mappings().all()
            for row in rows:
                body = envelope_body(row, self.source)
                subscribers = SUBSCRIPTIONS.get(row["event_type"], ())
                if self.delivery is not None:
                    await record_sends(session, self.delivery, row["id"], row["event_type"], subscribers,
                                       self.ack_seconds)
                for service in subscribers:
                    # The job ID makes a re-send after a crash a no-op while arq still knows the job.
                    await self.redis.enqueue_job(
                        HANDLE_EVENT_JOB, body, _queue_name=self.queue_name(service),
                        _job_id=f"{row['id']}:{service}",
                    )
            if rows:
                await session.execute(
                    update(self.outbox)
                    .where(self.outbox.c.id.in_([r["id"] for r in rows]))
                    .values(published_at=func.now(), attempts=self.outbox.c.attempts + 1)
                )
            return len(rows)

    async def drain(self) -> int:
        """Publishes until nothing is pending; returns the total."""
        total = 0
        while sent := await self.publish_pending():
            total += sent
        return total

    async def run_forever(self, interval: float = 0.25, max_backoff: float = 10.0) -> None:
        """Relays in a loop, backing off while Redis or the database is down."""
        delay = interval
        while True:
            try:
                sent = await self.drain()
                delay = interval
                if sent:
                    logger.info("outbox relayed", extra={"events": sent, "source": self.source})
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the relay must survive any outage and retry
                logger.warning("outbox relay failed; will retry", extra={"error": repr(exc)[:300]})
                delay = min(max_backoff, delay * 2)
            await asyncio.sleep(delay)


async def outbox_backlog(session: AsyncSession, outbox: Table) -> tuple[int, float]:
    """Returns the number of unpublished events and the age in seconds of the oldest."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
        )
    ).one()
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return int(count), age


async def consume_event(
    database: Database, processed: Table, body: Mapping[str, object], handlers: Mapping[str, EventHandler]
) -> bool:
    """Handles an event once: records its ID in the same transaction; returns False for a repeat."""
    envelope = EventEnvelope.model_validate(body)
    token = request_id_var.set(envelope.request_id)
    try:
        async with database.transaction() as session:
            first = (
                await session.execute(
                    pg_insert(processed)
                    .values(event_id=envelope.id, event_type=envelope.type)
                    .on_conflict_do_nothing()
                    .returning(processed.c.event_id)
                )
            ).first()
            if first is None:
                logger.info("event already processed", extra={"event_id": str(envelope.id)})
                return False
            handler = handlers.get(envelope.type)
            if handler is not None:
                await handler(session, envelope)
            return True
    finally:
        request_id_var.reset(token)
