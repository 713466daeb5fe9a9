"""Builds a service's arq worker: one transaction per job, event consumption, outbox relay, job metrics."""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob
from arq.worker import Retry

from shared.audit import use_subject_key
from shared.calendar_store import CalendarHolder
from shared.clock import Clock
from shared.db import Database
from shared.delivery import EVENT_RECEIPT_JOB, record_receipt, resend_due
from shared.events import HANDLE_EVENT_JOB
from shared.jobs import RUN_JOB, ChunkWork, requeue_queued, run_job
from shared.logging import configure_logging
from shared.outbox import EventHandler, OutboxRelay, consume_event
from shared.platform_tables import PlatformTables
from shared.policy import PolicyRegistry, default_registry
from shared.settings import PlatformSettings

logger = logging.getLogger(__name__)

# arq passes its context as a plain dict; this is the one place that touches it untyped.
JobCtx = dict[str, Any]


@dataclass
class WorkerContext:
    """What a worker's jobs and event handlers use, made once at worker startup."""

    service: str
    settings: PlatformSettings
    platform: PlatformTables
    database: Database
    redis: ArqRedis
    policy: PolicyRegistry
    calendar_holder: CalendarHolder
    relay: OutboxRelay
    clock: Clock


JobFunction = Callable[..., Awaitable[object]]
HandlerFactory = Callable[[WorkerContext], Mapping[str, EventHandler]]


def worker_context(ctx: JobCtx) -> WorkerContext:
    """Returns the typed worker context from arq's ctx."""
    wc = ctx["worker_context"]
    assert isinstance(wc, WorkerContext)
    return wc


def _counted(service: str, prefix: str, fn: JobFunction) -> JobFunction:
    @functools.wraps(fn)
    async def run(ctx: JobCtx, *args: object, **kwargs: object) -> object:
        redis: ArqRedis = ctx["redis"]
        key = f"{prefix}:metrics:{service}"
        try:
            result = await fn(ctx, *args, **kwargs)
        except Exception:
            await redis.hincrby(key, f"{fn.__name__}:failed", 1)  # type: ignore[misc]
            raise
        await redis.hincrby(key, f"{fn.__name__}:ok", 1)  # type: ignore[misc]
        return result

    # arq registers a function under its __qualname__ while jobs are enqueued by plain name; a nested
    # function (handle_event) would otherwise be registered as "build_worker_settings.<locals>.handle_event".
    run.__qualname__ = fn.__name__
    return run


REQUEUE_INTERVAL_SECONDS = 60.0
RESEND_INTERVAL_SECONDS = 5.0


async def _resend_forever(wc: WorkerContext) -> None:
    """Sends again, every few seconds, the deliveries no subscriber has acknowledged in time."""
    while True:
        await asyncio.sleep(min(RESEND_INTERVAL_SECONDS, wc.settings.event_ack_seconds))
        try:
            await resend_due(
                wc.database, wc.platform.outbox, wc.platform.event_delivery, wc.redis, source=wc.service,
                queue_name=wc.settings.queue_name, ack_seconds=wc.settings.event_ack_seconds,
                max_seconds=wc.settings.event_resend_max_seconds,
            )
        except Exception as exc:  # Redis or the database away: next round
            logger.warning("unacknowledged events not re-sent", extra={"error": repr(exc)[:300]})


async def _requeue_forever(database: Database, platform: PlatformTables, redis: ArqRedis, queue_name: str) -> None:
    while True:
        await asyncio.sleep(REQUEUE_INTERVAL_SECONDS)
        try:
            await requeue_queued(database, platform.job, redis, queue_name)
        except Exception as exc:  # Redis or the database still away: next round
            logger.warning("queued batch jobs not re-sent", extra={"error": repr(exc)[:300]})


def build_worker_settings(
    service: str,
    platform: PlatformTables,
    *,
    handlers: HandlerFactory,
    functions: Sequence[JobFunction] = (),
    cron_jobs: Sequence[CronJob] = (),
    run_relay: bool = True,
    settings: PlatformSettings | None = None,
    clock: Clock | None = None,
    batch_work: Callable[[WorkerContext], Mapping[str, ChunkWork]] | None = None,
) -> type:
    """Returns an arq WorkerSettings class for a service; a given `clock` (tests) replaces the real one."""
    settings = settings or PlatformSettings()

    async def startup(ctx: JobCtx) -> None:
        configure_logging(f"{service}-worker", level=settings.log_level, json_lines=settings.log_json)
        use_subject_key(settings.audit_subject_key.get_secret_value())
        database = Database.from_url(settings.database_url, pool_size=2, max_overflow=2)
        holder = CalendarHolder()
        await holder.refresh(database, platform.calendar_year)
        relay = OutboxRelay(database, platform.outbox, ctx["redis"], source=service,
                            queue_name=settings.queue_name, delivery=platform.event_delivery,
                            ack_seconds=settings.event_ack_seconds)
        wc = WorkerContext(
            service, settings, platform, database, ctx["redis"], default_registry(), holder, relay,
            clock or Clock(settings.timezone),
        )
        ctx["worker_context"] = wc
        ctx["event_handlers"] = handlers(wc)
        ctx["batch_work"] = batch_work(wc) if batch_work is not None else {}
        try:
            # Runs whose enqueue after commit failed (Redis was down) are sent again at every start.
            await requeue_queued(database, platform.job, ctx["redis"], settings.queue_name(service))
        except Exception as exc:
            logger.warning("queued batch jobs not re-sent", extra={"error": repr(exc)[:300]})
        ctx["background"] = [
            asyncio.create_task(holder.keep_fresh(database, platform.calendar_year)),
            # The worker no longer restarts after a Redis outage, so the re-send is periodic as well.
            asyncio.create_task(_requeue_forever(database, platform, ctx["redis"], settings.queue_name(service))),
        ]
        if run_relay:
            ctx["background"].append(asyncio.create_task(relay.run_forever()))
            ctx["background"].append(asyncio.create_task(_resend_forever(wc)))

    async def shutdown(ctx: JobCtx) -> None:
        for task in ctx.get("background", []):
            task.cancel()
        await asyncio.gather(*ctx.get("background", []), return_exceptions=True)
        if "worker_context" in ctx:
            await worker_context(ctx).database.dispose()

    async def handle_event(ctx: JobCtx, body: dict[str, object]) -> bool:
        wc = worker_context(ctx)
        tries = int(ctx.get("job_try", 1))
        try:
            first = await consume_event(wc.database, platform.processed_event, body, ctx["event_handlers"])
        except Exception as exc:
            if tries >= settings.event_max_tries:
                # Given up here, not lost: the producer keeps it as a dead letter and sends it again later.
                logger.error("event handling failed on every try; reported as a dead letter", extra={
                    "event": body.get("id"), "try": tries, "error": repr(exc)[:300]})
                await _send_receipt(ctx, body, f"{type(exc).__name__}: {exc}"[:2000])
                return False
            # Retried with backoff (the database may be down); the event stays on the queue meanwhile.
            logger.warning("event handling failed; retrying", extra={"event": body.get("id"), "try": tries,
                                                                     "error": repr(exc)[:300]})
            raise Retry(defer=min(settings.event_retry_max_seconds, 2**tries)) from exc
        # The processed-event record now exists (made now or before): that is the acknowledgement.
        try:
            await _send_receipt(ctx, body, None)
        except Exception as exc:
            # A repeat finds the record and sends the receipt again.
            raise Retry(defer=min(settings.event_retry_max_seconds, 2**tries)) from exc
        return first

    async def _send_receipt(ctx: JobCtx, body: Mapping[str, object], error: str | None) -> None:
        source = str(body.get("source", ""))
        redis: ArqRedis = ctx["redis"]
        await redis.enqueue_job(
            EVENT_RECEIPT_JOB, str(body.get("id")), service, str(body.get("type")), error,
            _queue_name=settings.queue_name(source),
        )

    async def event_receipt(ctx: JobCtx, event_id: str, subscriber: str, event_type: str, error: str | None) -> None:
        wc = worker_context(ctx)
        async with wc.database.transaction() as session:
            await record_receipt(
                session, platform.event_delivery, uuid.UUID(event_id), subscriber, event_type, error,
                ack_seconds=settings.event_ack_seconds, max_seconds=settings.event_resend_max_seconds,
            )

    event_receipt.__name__ = EVENT_RECEIPT_JOB

    handle_event.__name__ = HANDLE_EVENT_JOB

    async def run_batch_job(ctx: JobCtx, job_id: str) -> str:
        wc = worker_context(ctx)
        status = await run_job(wc.database, platform.job, uuid.UUID(job_id), ctx["batch_work"])
        return status.value

    run_batch_job.__name__ = RUN_JOB
    jobs: tuple[JobFunction, ...] = (handle_event, event_receipt, run_batch_job, *functions)
    prefix = settings.queue_prefix
    return type(
        "WorkerSettings",
        (),
        {
            "functions": [_counted(service, prefix, f) for f in jobs],
            "cron_jobs": list(cron_jobs),
            "on_startup": startup,
            "on_shutdown": shutdown,
            "redis_settings": RedisSettings.from_dsn(settings.redis_url),
            "queue_name": settings.queue_name(service),
            "max_tries": max(10, settings.event_max_tries),
            "job_timeout": 300,
            # On SIGTERM (a deploy) running jobs get this long to finish before they are cancelled, so a
            # notification being handed to its gateway is not left half-sent.
            "job_completion_wait": 30,
            "keep_result": 3600,
            "health_check_key": f"{settings.queue_name(service)}:health-check",
            # `arq --check` (the liveness probe) then notices a stuck worker within about a minute.
            "health_check_interval": 60,
        },
    )
