"""The cron scheduler: its table, the jobs it enqueues, and a real followup worker running them."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job
from arq.worker import create_worker
from sqlalchemy import delete

from followup_svc.config import Settings as FollowupSettings
from followup_svc.models import FirstContactTask
from services.scheduler import SCHEDULE, build_scheduler_settings, cron_jobs
from shared.db import Database
from shared.settings import PlatformSettings
from tests.followup_svc.helpers import task_row
from tests.integration.e2e_support import preserved_logging, run_followup_worker
from tests.support import service_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def settings(database_url: str, redis_url: str, queue_prefix: str) -> PlatformSettings:
    prefix = f"{queue_prefix}-sched-{uuid.uuid4().hex[:6]}"
    return service_settings(FollowupSettings, database_url, redis_url, prefix)


@pytest.fixture
async def redis(settings: PlatformSettings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    yield pool
    for key in await pool.keys(f"{settings.queue_prefix}:*"):
        await pool.delete(key)
    for key in await pool.keys(f"arq:*:{settings.queue_prefix}:*"):
        await pool.delete(key)
    await pool.aclose()


class TestScheduleTable:
    def test_jobs_and_times(self) -> None:
        assert [(s, j, (w.hour, w.minute)) for s, j, w in SCHEDULE] == [
            ("followup", "flag_overdue_first_contacts", (1, 0)),
            ("registration", "flag_overdue_decisions", (1, 10)),
            ("registration", "send_pending_notifications", (None, None)),
        ]

    def test_every_scheduled_job_is_a_function_of_its_service_worker(self) -> None:
        for service, job, _ in SCHEDULE:
            worker = importlib.import_module(f"services.{service}.worker").WorkerSettings
            # arq registers functions by __qualname__; that is the name the scheduler enqueues.
            assert job in [f.__qualname__ for f in worker.functions], (service, job)

    def test_worker_settings(self, settings: PlatformSettings) -> None:
        ws: Any = build_scheduler_settings(settings)
        assert ws.queue_name == f"{settings.queue_prefix}:scheduler"
        assert ws.timezone == SHANGHAI and ws.functions == []
        jobs = {c.name: c for c in ws.cron_jobs}
        assert set(jobs) == {
            "cron:followup:flag_overdue_first_contacts",
            "cron:registration:flag_overdue_decisions",
            "cron:registration:send_pending_notifications",
        }
        assert all(c.unique for c in ws.cron_jobs)
        followup = jobs["cron:followup:flag_overdue_first_contacts"]
        followup.calculate_next(datetime(2026, 11, 22, 0, 59, 59, tzinfo=SHANGHAI))
        assert followup.next_run is not None and (followup.next_run.date(), followup.next_run.hour) == (
            date(2026, 11, 22),
            1,
        )
        followup.calculate_next(datetime(2026, 11, 22, 1, 0, 1, tzinfo=SHANGHAI))
        assert followup.next_run is not None and followup.next_run.date() == date(2026, 11, 23)

    def test_notifications_are_sent_every_minute(self, settings: PlatformSettings) -> None:
        ws: Any = build_scheduler_settings(settings)
        [sender] = [c for c in ws.cron_jobs if c.name == "cron:registration:send_pending_notifications"]
        runs = []
        moment = datetime(2026, 11, 22, 23, 58, 30, tzinfo=SHANGHAI)
        for _ in range(3):
            sender.calculate_next(moment)
            assert sender.next_run is not None
            moment = sender.next_run
            runs.append(moment.replace(microsecond=0))
        assert runs == [datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI), datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI),
                        datetime(2026, 11, 23, 0, 1, tzinfo=SHANGHAI)]


class TestEnqueue:
    async def test_each_cron_job_enqueues_its_job_on_its_service_queue(
        self, settings: PlatformSettings, redis: ArqRedis
    ) -> None:
        for cron_job, (service, job, _) in zip(cron_jobs(settings), SCHEDULE, strict=True):
            job_id = await cron_job.coroutine({"redis": redis})
            assert job_id is not None
            info = await Job(job_id, redis, _queue_name=settings.queue_name(service)).info()
            assert info is not None and info.function == job
            assert await redis.zscore(settings.queue_name(service), job_id) is not None

    async def test_a_second_firing_of_the_same_run_enqueues_nothing(
        self, settings: PlatformSettings, redis: ArqRedis
    ) -> None:
        enqueue = cron_jobs(settings)[0].coroutine
        run = datetime(2026, 11, 23, 1, 0, 0, 123_456, tzinfo=SHANGHAI)
        ctx = {"redis": redis, "job_id": f"cron:followup:flag_overdue_first_contacts:{int(run.timestamp() * 1000)}"}
        first = await enqueue(ctx)
        queue = settings.queue_name("followup")
        assert first == f"{queue}:flag_overdue_first_contacts:2026-11-23T01:00"
        assert await enqueue(ctx) is None
        next_day = {**ctx, "job_id": f"cron:followup:x:{int((run + timedelta(days=1)).timestamp() * 1000)}"}
        assert await enqueue(next_day) == f"{queue}:flag_overdue_first_contacts:2026-11-24T01:00"
        assert await redis.zcard(settings.queue_name("followup")) == 2


class TestSchedulerDrivesTheFollowupWorker:
    async def test_cron_at_one_oclock_runs_flag_overdue_first_contacts(
        self, settings: PlatformSettings, redis: ArqRedis, database_url: str
    ) -> None:
        db = Database.from_url(database_url, pool_size=2, max_overflow=0)
        today = datetime.now(SHANGHAI).date()
        late = task_row(region="440283", due_on=today - timedelta(days=1), registered_on=today - timedelta(days=9))
        try:
            async with db.transaction() as session:
                session.add(late)
            # Only the 01:00 job: the 01:10 one would be caught up by arq too, since the real clock is later.
            (one_oclock,) = [c for c in cron_jobs(settings) if c.name == "cron:followup:flag_overdue_first_contacts"]
            scheduler = create_worker(
                build_scheduler_settings(settings),
                cron_jobs=[one_oclock],
                redis_pool=redis,
                burst=True,
                handle_signals=False,
                poll_delay=0.05,
            )
            # Two heartbeats just before 01:00 Shanghai: the first plans the run, the second enqueues it.
            before_one = datetime.now(SHANGHAI).replace(hour=0, minute=59, second=59, microsecond=500_000)
            await scheduler.run_cron(before_one, 0.5)
            await scheduler.run_cron(before_one + timedelta(milliseconds=200), 0.5)
            assert await redis.zcard(settings.queue_name("scheduler")) == 1
            with preserved_logging():
                await scheduler.main()
            assert scheduler.jobs_complete == 1 and scheduler.jobs_failed == 0
            queued = await redis.zrange(settings.queue_name("followup"), 0, -1)
            assert [q.decode() for q in queued] == [
                f"{settings.queue_name('followup')}:flag_overdue_first_contacts:{before_one.date().isoformat()}T01:00"
            ]

            worker = await run_followup_worker(cast(FollowupSettings, settings))
            assert worker.jobs_complete == 1 and worker.jobs_failed == 0
            result = await Job(queued[0].decode(), redis, _queue_name=settings.queue_name("followup")).result()
            assert result.get("440283") == 1
        finally:
            async with db.transaction() as session:
                await session.execute(delete(FirstContactTask).where(FirstContactTask.id == late.id))
            await db.dispose()
