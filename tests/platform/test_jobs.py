"""Batch jobs: one run per (kind, period, scope) at a time, chunks that commit and resume, the jobs endpoint,
and a real worker running a submitted job."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import create_worker
from pydantic import JsonValue
from sqlalchemy import RowMapping, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.models import platform
from shared.db import Database
from shared.jobs import Chunk, ChunkWork, JobStatus, jobs_metrics, request_job, run_job, submit_job
from shared.worker import build_worker_settings
from tests.integration.e2e_support import preserved_logging
from tests.platform.throwaway import platform_settings, throwaway_app
from tests.support import bearer

JOB = platform.job
ROWS = list(range(7))


def counting_work(seen: list[int], *, size: int = 3, die_at: int | None = None) -> ChunkWork:
    """A kind of job that 'processes' ROWS in chunks of `size`, recording what it saw; raising
    CancelledError at chunk `die_at` plays a worker killed mid-run."""

    async def chunk(session: AsyncSession, job: RowMapping, resume_from: JsonValue) -> Chunk:
        start = int(str(resume_from or 0))
        if die_at is not None and start == die_at:
            raise asyncio.CancelledError
        batch = ROWS[start:start + size]
        seen.extend(batch)
        following = start + size
        if following >= len(ROWS):
            return Chunk(len(batch), None, total=len(ROWS), result={"counted": len(seen)})
        return Chunk(len(batch), following, total=len(ROWS))

    return chunk


async def job_row(database: Database, job_id: uuid.UUID) -> RowMapping:
    async with database.transaction() as session:
        return (await session.execute(select(JOB).where(JOB.c.id == job_id))).mappings().one()


class TestOneRunAtATime:
    async def test_a_second_request_while_queued_gets_the_same_run_and_after_it_ended_a_new_one(
        self, database: Database
    ) -> None:
        async with database.transaction() as session:
            first, created = await request_job(session, JOB, kind="ledger.close", period="2026-10", requested_by="a")
            again, created_again = await request_job(session, JOB, kind="ledger.close", period="2026-10",
                                                     requested_by="b")
            other, _ = await request_job(session, JOB, kind="ledger.close", period="2026-11", requested_by="a")
        assert created and not created_again and again["id"] == first["id"] and other["id"] != first["id"]
        assert await run_job(database, JOB, first["id"], {"ledger.close": counting_work([])}) is JobStatus.SUCCEEDED
        async with database.transaction() as session:
            later, created_later = await request_job(session, JOB, kind="ledger.close", period="2026-10",
                                                     requested_by="a")
        assert created_later and later["id"] != first["id"]


class TestChunks:
    async def test_progress_commits_chunk_by_chunk_and_the_result_is_kept(self, database: Database) -> None:
        async with database.transaction() as session:
            job, _ = await request_job(session, JOB, kind="count", requested_by="t")
        seen: list[int] = []
        assert await run_job(database, JOB, job["id"], {"count": counting_work(seen)}) is JobStatus.SUCCEEDED
        row = await job_row(database, job["id"])
        assert (row["status"], row["processed"], row["total"], row["result"]) == ("succeeded", 7, 7, {"counted": 7})
        assert row["started_at"] is not None and row["finished_at"] is not None and seen == ROWS

    async def test_a_killed_run_resumes_where_its_last_chunk_committed(self, database: Database) -> None:
        async with database.transaction() as session:
            job, _ = await request_job(session, JOB, kind="count", requested_by="t")
        seen: list[int] = []
        with pytest.raises(asyncio.CancelledError):
            await run_job(database, JOB, job["id"], {"count": counting_work(seen, die_at=3)})
        half = await job_row(database, job["id"])
        assert (half["status"], half["processed"], half["resume_from"]) == ("running", 3, 3)
        assert await run_job(database, JOB, job["id"], {"count": counting_work(seen)}) is JobStatus.SUCCEEDED
        assert seen == ROWS  # rows 0-2 once, then 3-6: nothing done twice
        assert (await job_row(database, job["id"]))["processed"] == 7

    async def test_an_error_fails_the_run_with_its_message(self, database: Database) -> None:
        async with database.transaction() as session:
            job, _ = await request_job(session, JOB, kind="broken", requested_by="t")

        async def broken(session: AsyncSession, job: RowMapping, resume_from: JsonValue) -> Chunk:
            raise ValueError("the reference file is missing")

        assert await run_job(database, JOB, job["id"], {"broken": broken}) is JobStatus.FAILED
        row = await job_row(database, job["id"])
        assert row["status"] == "failed" and "the reference file is missing" in row["error"]

    async def test_metrics_count_runs_and_rows(self, database: Database) -> None:
        async with database.transaction() as session:
            job, _ = await request_job(session, JOB, kind="metered", requested_by="t")
        await run_job(database, JOB, job["id"], {"metered": counting_work([])})
        async with database.transaction() as session:
            text = await jobs_metrics(session, JOB, "followup")
        assert 'jiuye_jobs{service="followup",kind="metered",status="succeeded"} 1' in text
        assert 'jiuye_job_rows_processed_total{service="followup",kind="metered"} 7' in text


class TestEndpoint:
    async def test_staff_read_a_run_and_an_unknown_one_is_404(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with database.transaction() as session:
            job, _ = await request_job(session, JOB, kind="ledger.generate", period="2026-11", requested_by="t")
        async with throwaway_app([], platform_settings(database_url, redis_url, queue_prefix), database) as client:
            response = await client.get(f"/api/v1/jobs/{job['id']}", headers=bearer("admin", "44"))
            missing = await client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=bearer("admin", "44"))
            citizen = await client.get(f"/api/v1/jobs/{job['id']}", headers=bearer("citizen", "44", "x"))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["job_id"], body["kind"], body["period"], body["status"], body["processed"]) == (
            str(job["id"]), "ledger.generate", "2026-11", "queued", 0
        )
        assert missing.status_code == 404 and missing.json()["code"] == "job.not_found"
        assert citizen.status_code == 403


@pytest.fixture
async def committing(database_url: str) -> AsyncIterator[Database]:
    db = Database.from_url(database_url, pool_size=2)
    yield db
    async with db.transaction() as session:
        await session.execute(delete(JOB).where(JOB.c.kind == "worker.count"))
    await db.dispose()


class TestOnTheWorker:
    async def test_a_submitted_run_is_sent_after_commit_and_a_real_worker_runs_it(
        self, committing: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = platform_settings(database_url, redis_url, f"{queue_prefix}-jobs-{uuid.uuid4().hex[:6]}")
        queue = settings.queue_name("followup")
        redis: ArqRedis = await create_pool(RedisSettings.from_dsn(redis_url))
        try:
            async with committing.transaction() as session:
                job, created = await submit_job(session, JOB, redis, queue, kind="worker.count", requested_by="t")
            assert created
            seen: list[int] = []
            worker_settings = build_worker_settings(
                "followup", platform, handlers=lambda wc: {}, run_relay=False, settings=settings,
                batch_work=lambda wc: {"worker.count": counting_work(seen)},
            )
            worker = create_worker(worker_settings, burst=True, handle_signals=False, poll_delay=0.05)
            with preserved_logging():
                try:
                    await worker.main()
                finally:
                    await worker.close()
            assert worker.jobs_failed == 0 and seen == ROWS
            assert (await job_row(committing, job["id"]))["status"] == "succeeded"
        finally:
            for key in await redis.keys(f"{settings.queue_prefix}:*"):
                await redis.delete(key)
            await redis.aclose()

