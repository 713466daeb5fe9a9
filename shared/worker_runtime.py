"""Runs an arq worker that rides out a Redis outage: it waits and reconnects with capped backoff."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from datetime import datetime
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker, get_kwargs
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What Redis being away looks like to redis-py: refused or reset connections, timeouts, a server still
# loading its append-only file (BusyLoadingError is a ConnectionError). TimeoutError is an OSError.
REDIS_DOWN: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)


class Backoff:
    """Delays that double from `initial` up to `cap`; reset() starts again after a success."""

    def __init__(self, initial: float = 0.5, cap: float = 10.0) -> None:
        self.initial = initial
        self.cap = cap
        self._next = initial

    def next(self) -> float:
        """Returns the delay to wait now and doubles the following one, up to the cap."""
        delay = self._next
        self._next = min(self.cap, self._next * 2)
        return delay

    def reset(self) -> None:
        """Starts the next series from the initial delay."""
        self._next = self.initial


class ResilientWorker(Worker):
    """An arq Worker that, while Redis is unreachable, waits with capped backoff instead of exiting.

    arq's own worker ends on the first connection error of its poll loop, which under a supervisor that
    stops everything with it took the whole system down. Here the poll loop, the cron heart-beat and the
    first connection all wait for Redis to return; a cron run due during the outage is sent when it does.
    """

    def __init__(self, *args: Any, backoff_cap: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.backoff = Backoff(cap=backoff_cap)
        self.redis_down_since: float | None = None

    async def main(self) -> None:
        if self._pool is None:
            self._pool = await self._connect()
        await super().main()

    async def _connect(self) -> ArqRedis:
        # arq's create_pool retries a few times then raises; one attempt per round, our backoff between.
        settings = dataclasses.replace(self.redis_settings or RedisSettings(), conn_retries=0)
        while True:
            try:
                pool = await create_pool(
                    settings, job_deserializer=self.job_deserializer, job_serializer=self.job_serializer,
                    default_queue_name=self.queue_name, expires_extra_ms=self.expires_extra_ms,
                )
            except REDIS_DOWN as exc:
                await self._wait(exc)
                continue
            self._recovered()
            return pool

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as exc:
            await self._wait(exc)
            return
        self._recovered()

    async def run_cron(self, n: datetime, delay: float, num_windows: int = 2) -> None:
        # arq moves each cron job to its next run before enqueueing; if Redis refuses the enqueue, the run
        # would be skipped. Put the due times back, so the runs go out when Redis returns.
        due = [job.next_run for job in self.cron_jobs]
        try:
            await super().run_cron(n, delay, num_windows)
        except REDIS_DOWN:
            for job, next_run in zip(self.cron_jobs, due, strict=True):
                job.next_run = next_run
            raise

    async def _wait(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self.redis_down_since is None:
            self.redis_down_since = now
            logger.warning("Redis unreachable; waiting for it to return", extra={"error": repr(exc)[:300]})
        delay = self.backoff.next()
        logger.info("Redis still unreachable; retrying", extra={
            "retry_in_seconds": delay, "down_seconds": round(now - self.redis_down_since, 1),
        })
        await asyncio.sleep(delay)

    def _recovered(self) -> None:
        if self.redis_down_since is not None:
            logger.warning("Redis reachable again", extra={
                "down_seconds": round(time.monotonic() - self.redis_down_since, 1),
            })
            self.redis_down_since = None
        self.backoff.reset()


def run_resilient_worker(settings_cls: type, **kwargs: Any) -> ResilientWorker:
    """Runs a worker of the given arq WorkerSettings until it is stopped by a signal."""
    worker = ResilientWorker(**{**get_kwargs(settings_cls), **kwargs})
    worker.run()
    return worker
