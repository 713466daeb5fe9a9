"""Delivery of published events until each subscriber acknowledges them, and the dead letters of those that fail.

Publishing an event (the relay putting it on a queue) is not delivering it: Redis may lose the queue
(failover, a restart without persistence, eviction) and a consumer may give up after its retries. The
producer therefore keeps one `event_delivery` row per (event, subscriber), written with the first send:

- the consumer's acknowledgement is its processed-event record: once it has recorded the event (now or
  before: a repeat), its worker sends a receipt to the producer's queue and the row is marked acknowledged;
- a consumer that gives up after its retries sends a receipt with the error instead: the row becomes a
  dead letter (`failed_at`, `last_error`), still unacknowledged;
- the producer's worker re-sends every unacknowledged row whose time has come, the wait doubling from
  EVENT_ACK_SECONDS up to EVENT_RESEND_MAX_SECONDS, without end; consumers are idempotent, so a re-send
  of an event handled already only brings its receipt again;
- the backlog (unacknowledged and dead-lettered, by subscriber) is on /metrics and /readyz?verbose=true,
  and an admin can list dead letters and replay them now (`/api/v1/events/dead-letters`).
"""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import RowMapping, Table, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shared.audit import record
from shared.auth import Principal, Role, require_roles
from shared.clock import LocalDateTime
from shared.db import Database, SessionDep
from shared.errors import NotFound
from shared.events import HANDLE_EVENT_JOB, EventEnvelope

logger = logging.getLogger(__name__)

# The job a consumer's worker puts on the producer's queue once it has handled (or given up on) an event.
EVENT_RECEIPT_JOB = "event_receipt"


def envelope_body(row: RowMapping, source: str) -> dict[str, Any]:
    """Returns the queued body of an outbox row."""
    envelope = EventEnvelope(
        id=row["id"], type=row["event_type"], source=source, occurred_at=row["created_at"],
        request_id=row["request_id"], payload=row["payload"],
    )
    return envelope.model_dump(mode="json")


def _wait(ack_seconds: float, max_seconds: float, count: ColumnElement[int]) -> ColumnElement[Any]:
    """The interval until the next send: ack_seconds doubled per earlier send (or failure), capped."""
    seconds = func.least(literal(max_seconds), literal(ack_seconds) * func.power(2, func.greatest(count - 1, 0)))
    return func.make_interval(0, 0, 0, 0, 0, 0, seconds)


async def record_sends(
    session: AsyncSession, delivery: Table, event_id: uuid.UUID, event_type: str, subscribers: tuple[str, ...],
    ack_seconds: float,
) -> None:
    """Notes the first send of an event to its subscribers, in the relay's transaction (before the enqueue,
    so a receipt arriving at once waits on this row instead of missing it)."""
    if not subscribers:
        return
    await session.execute(
        pg_insert(delivery)
        .values([
            {"event_id": event_id, "subscriber": s, "event_type": event_type, "sends": 1,
             "last_sent_at": func.now(), "next_send_at": func.now() + func.make_interval(0, 0, 0, 0, 0, 0,
                                                                                         ack_seconds)}
            for s in subscribers
        ])
        .on_conflict_do_nothing()
    )


async def record_receipt(
    session: AsyncSession, delivery: Table, event_id: uuid.UUID, subscriber: str, event_type: str,
    error: str | None, *, ack_seconds: float, max_seconds: float,
) -> None:
    """Marks a delivery acknowledged, or (with an error) dead-lettered and due again after a capped wait."""
    insert = pg_insert(delivery).values(
        event_id=event_id, subscriber=subscriber, event_type=event_type, sends=1, last_sent_at=func.now(),
        next_send_at=func.now(), acked_at=None if error else func.now(),
        failures=1 if error else 0, failed_at=func.now() if error else None, last_error=error,
    )
    if error is None:
        changes: dict[str, Any] = {"acked_at": func.coalesce(delivery.c.acked_at, func.now())}
    else:
        failures = delivery.c.failures + 1
        changes = {
            "failures": failures, "failed_at": func.now(), "last_error": error[:2000],
            "next_send_at": func.now() + _wait(ack_seconds, max_seconds, failures),
        }
    # An acknowledged delivery stays acknowledged: a late failure report of an earlier try changes nothing.
    where = delivery.c.acked_at.is_(None) if error is not None else None
    await session.execute(
        insert.on_conflict_do_update(index_elements=[delivery.c.event_id, delivery.c.subscriber],
                                     set_=changes, where=where)
    )


async def resend_due(
    database: Database, outbox: Table, delivery: Table, redis: ArqRedis, *, source: str,
    queue_name: Any, ack_seconds: float, max_seconds: float, batch_size: int = 200,
) -> int:
    """Sends again every unacknowledged delivery whose time has come; returns how many went out."""
    async with database.transaction() as session:
        rows = (
            await session.execute(
                select(outbox, delivery.c.subscriber, delivery.c.sends)
                .join(delivery, delivery.c.event_id == outbox.c.id)
                .where(delivery.c.acked_at.is_(None), delivery.c.next_send_at <= func.now())
                .order_by(delivery.c.next_send_at)
                .limit(batch_size)
                .with_for_update(of=delivery, skip_locked=True)
            )
        ).mappings().all()
        for row in rows:
            sends = int(row["sends"]) + 1
            # A job ID of its own per send: the first send's job may still be remembered by arq (its result
            # kept) even though its receipt was lost.
            await redis.enqueue_job(
                HANDLE_EVENT_JOB, envelope_body(row, source), _queue_name=queue_name(row["subscriber"]),
                _job_id=f"{row['id']}:{row['subscriber']}:{sends}",
            )
            await session.execute(
                update(delivery)
                .where(delivery.c.event_id == row["id"], delivery.c.subscriber == row["subscriber"])
                .values(sends=sends, last_sent_at=func.now(),
                        next_send_at=func.now() + _wait(ack_seconds, max_seconds, literal(sends)))
            )
        if rows:
            logger.warning("unacknowledged events sent again", extra={
                "events": len(rows), "subscribers": sorted({str(r["subscriber"]) for r in rows}),
            })
        return len(rows)


async def delivery_backlog(session: AsyncSession, delivery: Table) -> list[dict[str, Any]]:
    """Returns, per subscriber, the unacknowledged deliveries, how many are dead letters and the time in
    seconds since the oldest of them was first sent."""
    rows = (
        await session.execute(
            select(
                delivery.c.subscriber, func.count(),
                func.count().filter(delivery.c.failed_at.is_not(None)),
                func.extract("epoch", func.now() - func.min(delivery.c.created_at)),
            )
            .where(delivery.c.acked_at.is_(None))
            .group_by(delivery.c.subscriber)
            .order_by(delivery.c.subscriber)
        )
    ).all()
    return [
        {"subscriber": str(s), "unacknowledged": int(str(n)), "dead_letters": int(str(d)),
         "oldest_seconds": float(str(age or 0))}
        for s, n, d, age in rows
    ]


def backlog_metrics(service: str, backlog: list[dict[str, Any]]) -> str:
    """Prometheus lines of the delivery backlog."""
    lines = [
        "# HELP jiuye_events_unacknowledged Published events a subscriber has not acknowledged yet\n",
        "# TYPE jiuye_events_unacknowledged gauge\n",
        *(f'jiuye_events_unacknowledged{{service="{service}",subscriber="{b["subscriber"]}"}} '
          f'{b["unacknowledged"]}\n' for b in backlog),
        "# HELP jiuye_events_dead_letters Deliveries the subscriber gave up on after its retries, still retried\n",
        "# TYPE jiuye_events_dead_letters gauge\n",
        *(f'jiuye_events_dead_letters{{service="{service}",subscriber="{b["subscriber"]}"}} '
          f'{b["dead_letters"]}\n' for b in backlog),
        "# HELP jiuye_events_oldest_unacknowledged_seconds Time since the oldest unacknowledged event was first sent\n",
        "# TYPE jiuye_events_oldest_unacknowledged_seconds gauge\n",
        *(f'jiuye_events_oldest_unacknowledged_seconds{{service="{service}",subscriber="{b["subscriber"]}"}} '
          f'{b["oldest_seconds"]:.3f}\n' for b in backlog),
    ]
    return "".join(lines)


# Admin view and replay of dead letters --------------------------------------------------------------------


class DeadLetterRead(BaseModel):
    """A delivery its subscriber gave up on: the last error, how often it failed and when it is sent again."""

    event_id: uuid.UUID
    event_type: str
    subscriber: str
    sends: int
    failures: int
    failed_at: LocalDateTime
    last_error: str | None
    next_send_at: LocalDateTime


class DeadLetterList(BaseModel):
    """The dead letters of this service's events, oldest failure first."""

    items: list[DeadLetterRead]


class DeadLetterNotFound(NotFound):
    """No unacknowledged dead letter of that event for that subscriber."""

    code = "event.dead_letter_not_found"
    title = "Dead letter not found"


events_router = APIRouter(prefix="/events", tags=["events"])
EventsAdmin = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]


def _dead_letter(row: RowMapping) -> DeadLetterRead:
    return DeadLetterRead.model_validate(dict(row))


@events_router.get("/dead-letters", response_model=DeadLetterList, summary="Deliveries a subscriber gave up on")
async def list_dead_letters(request: Request, session: SessionDep, principal: EventsAdmin) -> DeadLetterList:
    """Lists the events of this service a subscriber failed to handle after its retries (at most 500)."""
    delivery: Table = request.app.state.platform.event_delivery
    rows = (
        await session.execute(
            select(delivery).where(delivery.c.acked_at.is_(None), delivery.c.failed_at.is_not(None))
            .order_by(delivery.c.failed_at).limit(500)
        )
    ).mappings().all()
    return DeadLetterList(items=[_dead_letter(r) for r in rows])


@events_router.post(
    "/dead-letters/{event_id}/{subscriber}/replay", response_model=DeadLetterRead, status_code=202,
    summary="Send a dead letter again now",
)
async def replay_dead_letter(
    event_id: uuid.UUID, subscriber: str, request: Request, session: SessionDep, principal: EventsAdmin
) -> DeadLetterRead:
    """Makes a dead letter due now: the worker's next sweep (within seconds) sends it again. Audited."""
    platform = request.app.state.platform
    delivery: Table = platform.event_delivery
    row = (
        await session.execute(
            update(delivery)
            .where(delivery.c.event_id == event_id, delivery.c.subscriber == subscriber,
                   delivery.c.acked_at.is_(None), delivery.c.failed_at.is_not(None))
            .values(next_send_at=func.now())
            .returning(*delivery.c)
        )
    ).mappings().first()
    if row is None:
        raise DeadLetterNotFound(
            f"No dead letter of event {event_id} for {subscriber[:40]}.",
            f"没有事件“{event_id}”发往“{subscriber[:40]}”的死信。",
        )
    await record(session, platform.audit_log, principal, "event.replay", "event_delivery",
                 f"{event_id}:{subscriber}"[:64], request=request,
                 details={"event_type": row["event_type"], "failures": row["failures"]})
    return _dead_letter(row)
