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
from arq.constants import in_progress_key_prefix, job_key_prefix, result_key_prefix, retry_key_prefix
from arq.jobs import Job
from arq.utils import to_unix_ms
from arq.worker import create_worker
from sqlalchemy import delete

from followup_svc.config import Settings as FollowupSettings
from followup_svc.models import FirstContactTask
from services.scheduler import SCHEDULE, build_scheduler_settings, cron_jobs, schedule_table
from shared.db import Database
from shared.settings import PlatformSettings
from tests.followup_svc.helpers import task_row
from tests.integration.e2e_support import preserved_logging, run_followup_worker
from tests.support import service_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY = {
    "cron:followup:flag_overdue_first_contacts",
    "cron:followup:flag_overdue_assistance",
    "cron:registration:flag_overdue_decisions",
}


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
            ("followup", "generate_ledger_month", (0, 10)),
            ("followup", "close_ledger_month", (0, 30)),
            ("followup", "run_ledger_data_match", (2, 0)),
            ("followup", "flag_overdue_assistance", (1, 5)),
            ("registration", "flag_overdue_decisions", (1, 10)),
            ("registration", "flag_overdue_job_seeker_reviews", (1, 15)),
            ("registration", "close_expired_vacancies", (0, 20)),
            ("registration", "flag_overdue_vacancy_reviews", (1, 20)),
            ("registration", "send_pending_notifications", (None, None)),
            ("eligibility", "exit_certifications_on_retirement", (0, 30)),
            ("eligibility", "flag_overdue_difficulty_steps", (1, 20)),
            ("eligibility", "generate_quarterly_reviews", (2, 0)),
            ("subsidy", "flag_overdue_claims", (1, 20)),
        ]

    def test_the_printed_table_says_what_runs_when(self) -> None:
        assert schedule_table().splitlines() == [
            "daily at 01:00           followup      flag_overdue_first_contacts",
            "monthly on day 1 at 00:10 followup      generate_ledger_month",
            "monthly on day 1 at 00:30 followup      close_ledger_month",
            "monthly on day 20 at 02:00 followup      run_ledger_data_match",
            "daily at 01:05           followup      flag_overdue_assistance",
            "daily at 01:10           registration  flag_overdue_decisions",
            "daily at 01:15           registration  flag_overdue_job_seeker_reviews",
            "daily at 00:20           registration  close_expired_vacancies",
            "daily at 01:20           registration  flag_overdue_vacancy_reviews",
            "every minute             registration  send_pending_notifications",
            "daily at 00:30           eligibility   exit_certifications_on_retirement",
            "daily at 01:20           eligibility   flag_overdue_difficulty_steps",
            "monthly on day 1 at 02:00 eligibility   generate_quarterly_reviews",
            "daily at 01:20           subsidy       flag_overdue_claims",
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
            "cron:followup:generate_ledger_month",
            "cron:followup:close_ledger_month",
            "cron:followup:run_ledger_data_match",
            "cron:followup:flag_overdue_assistance",
            "cron:registration:flag_overdue_decisions",
            "cron:registration:flag_overdue_job_seeker_reviews",
            "cron:registration:close_expired_vacancies",
            "cron:registration:flag_overdue_vacancy_reviews",
            "cron:registration:send_pending_notifications",
            "cron:subsidy:flag_overdue_claims",
            "cron:eligibility:exit_certifications_on_retirement",
            "cron:eligibility:flag_overdue_difficulty_steps",
            "cron:eligibility:generate_quarterly_reviews",
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
        # FU-MONTHLY: the month just ended is closed on the 1st, after the new month's entries are generated.
        close = jobs["cron:followup:close_ledger_month"]
        close.calculate_next(datetime(2026, 11, 22, 1, 0, tzinfo=SHANGHAI))
        assert close.next_run is not None
        assert close.next_run.replace(microsecond=0) == datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)

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
        # The scheduler's clock is the instant given to run_cron, never the machine's: a run in the past
        # is queued at once (arq defers only runs still to come), so this passes at any hour.
        just_before = datetime(2026, 11, 23, 0, 59, 59, 500_000, tzinfo=SHANGHAI)
        assert just_before + timedelta(days=1) < datetime.now(SHANGHAI)
        db = Database.from_url(database_url, pool_size=2, max_overflow=0)
        today = datetime.now(SHANGHAI).date()  # the followup job counts overdue against the real day
        late = task_row(region="440283", due_on=today - timedelta(days=1), registered_on=today - timedelta(days=9))
        run_keys: list[str] = []
        try:
            async with db.transaction() as session:
                session.add(late)
            # The daily lines of the production table (the every-minute one would fire at 01:00 too).
            daily_lines = [c for c in cron_jobs(settings) if c.name in DAILY]
            firing = create_worker(
                build_scheduler_settings(settings), cron_jobs=daily_lines, redis_pool=redis, burst=True,
                handle_signals=False,
            )
            # Two heartbeats just before 01:00: the first plans each line's next run, the second queues the
            # 01:00 line's run (01:10 is still outside the window).
            await firing.run_cron(just_before, 0.5)
            (one_oclock,) = [c for c in daily_lines if c.name == "cron:followup:flag_overdue_first_contacts"]
            assert one_oclock.next_run is not None
            assert one_oclock.next_run.replace(microsecond=0) == datetime(2026, 11, 23, 1, 0, tzinfo=SHANGHAI)
            run_id = f"{one_oclock.name}:{to_unix_ms(one_oclock.next_run)}"
            # arq names a cron run without our queue prefix and keeps it in progress for 60 s after it ran,
            # so a rerun within a minute would find it taken: forget this run before and after.
            run_keys = [prefix + run_id for prefix in (in_progress_key_prefix, job_key_prefix, result_key_prefix,
                                                       retry_key_prefix)]
            await redis.delete(*run_keys)
            await firing.run_cron(just_before + timedelta(milliseconds=200), 0.5)
            scheduled = await redis.zrange(settings.queue_name("scheduler"), 0, -1)
            assert [s.decode() for s in scheduled] == [run_id]

            # A fresh scheduler worker runs the queued cron run. Its heartbeat reads the machine's clock, but
            # its first one only plans, and stopping after one job leaves it no second one.
            scheduler = create_worker(
                build_scheduler_settings(settings), cron_jobs=[c for c in cron_jobs(settings) if c.name in DAILY],
                redis_pool=redis, burst=True, max_burst_jobs=1, handle_signals=False, poll_delay=0.05,
            )
            with preserved_logging():
                await scheduler.main()
            assert scheduler.jobs_complete == 1 and scheduler.jobs_failed == 0
            assert await redis.zcard(settings.queue_name("scheduler")) == 0
            queued = await redis.zrange(settings.queue_name("followup"), 0, -1)
            assert [q.decode() for q in queued] == [
                f"{settings.queue_name('followup')}:flag_overdue_first_contacts:2026-11-23T01:00"
            ]

            worker = await run_followup_worker(cast(FollowupSettings, settings))
            assert worker.jobs_complete == 1 and worker.jobs_failed == 0
            result = await Job(queued[0].decode(), redis, _queue_name=settings.queue_name("followup")).result()
            assert result.get("440283") == 1
        finally:
            if run_keys:
                await redis.delete(*run_keys)
            async with db.transaction() as session:
                await session.execute(delete(FirstContactTask).where(FirstContactTask.id == late.id))
            await db.dispose()
