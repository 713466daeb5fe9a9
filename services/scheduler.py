"""Scheduler: an arq worker with only cron jobs, each enqueueing a batch job onto its service's queue.

Run: arq services.scheduler.WorkerSettings
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine

from shared.codes import is_ascii_digits
from shared.logging import configure_logging
from shared.schedule import Schedule, schedule_of
from shared.settings import PlatformSettings
from shared.worker import JobCtx

logger = logging.getLogger(__name__)

SCHEDULER_QUEUE = "scheduler"


# The services whose workers may declare scheduled jobs, in the order the table lists them.
SCHEDULED_SERVICES = ("followup", "registration", "eligibility", "subsidy")


def collect_schedule() -> tuple[tuple[str, str, Schedule], ...]:
    """Returns (service, job name, when) for every job a service's worker marks with @scheduled."""
    table = []
    for service in SCHEDULED_SERVICES:
        worker = importlib.import_module(f"services.{service}.worker").WorkerSettings
        for function in worker.functions:
            when = schedule_of(function)
            if when is not None:
                # arq registers a function under its __qualname__: the name the scheduler enqueues.
                table.append((service, function.__qualname__, when))
    return tuple(table)


SCHEDULE: tuple[tuple[str, str, Schedule], ...] = collect_schedule()


def schedule_table() -> str:
    """Returns what runs when, one line per job (`python -m services schedule`)."""
    return "\n".join(f"{when.describe():<24} {service:<13} {job}" for service, job, when in SCHEDULE)


def enqueuer(service: str, job: str, queue_name: str, timezone: ZoneInfo) -> WorkerCoroutine:
    """Returns the cron coroutine that puts one run of a service's job on that service's queue."""

    async def enqueue(ctx: JobCtx, *args: object, **kwargs: object) -> str | None:
        redis: ArqRedis = ctx["redis"]
        # arq names a unique cron run "<name>:<scheduled unix ms>"; keying our job on that time makes a
        # retried or doubly fired cron run enqueue the service's job only once (arq job IDs are global,
        # so the queue name, with its prefix, is part of the key).
        _, _, stamp = str(ctx.get("job_id", "")).rpartition(":")
        when = datetime.fromtimestamp(int(stamp) / 1000, timezone) if is_ascii_digits(stamp) else datetime.now(timezone)
        job_id = f"{queue_name}:{job}:{when:%Y-%m-%dT%H:%M}"
        queued = await redis.enqueue_job(job, _queue_name=queue_name, _job_id=job_id)
        logger.info(
            "scheduled job enqueued" if queued else "scheduled job already enqueued",
            extra={"service": service, "job": job, "queue": queue_name, "job_id": job_id},
        )
        return job_id if queued else None

    enqueue.__qualname__ = enqueue.__name__ = f"enqueue_{service}_{job}"
    return enqueue


def cron_jobs(settings: PlatformSettings) -> list[CronJob]:
    """Returns one unique arq cron job per line of SCHEDULE."""
    timezone = ZoneInfo(settings.timezone)
    return [
        cron(
            enqueuer(service, job, settings.queue_name(service), timezone),
            name=f"cron:{service}:{job}",
            hour=when.hour, minute=when.minute, weekday=when.weekday, day=when.day,
            unique=True,
        )
        for service, job, when in SCHEDULE
    ]


def build_scheduler_settings(settings: PlatformSettings | None = None) -> type:
    """Returns the scheduler's arq WorkerSettings (queue <prefix>:scheduler, cron jobs only)."""
    settings = settings or PlatformSettings()
    queue_name = settings.queue_name(SCHEDULER_QUEUE)

    async def startup(ctx: JobCtx) -> None:
        configure_logging("scheduler", level=settings.log_level, json_lines=settings.log_json)

    return type(
        "WorkerSettings",
        (),
        {
            "functions": [],
            "cron_jobs": cron_jobs(settings),
            "on_startup": startup,
            "redis_settings": RedisSettings.from_dsn(settings.redis_url),
            "queue_name": queue_name,
            "timezone": ZoneInfo(settings.timezone),
            "keep_result": 3600,
            "health_check_key": f"{queue_name}:health-check",
        },
    )


WorkerSettings = build_scheduler_settings()
