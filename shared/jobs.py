"""The one way to run a long job on a service's worker (api.md "Batch jobs").

A run is a `job` row in the service's schema: requested once per (kind, period, scope) while one is
queued or running, so a doubled cron or a client's retry gets the same run; worked in chunks that each
commit with the job's progress and the point to resume from, so a crashed worker resumes instead of
starting again; readable at `GET /api/v1/jobs/{job_id}`. A batch endpoint answers 202 with the job.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, JsonValue
from sqlalchemy import RowMapping, Table, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, require_roles
from shared.clock import LocalDateTime
from shared.db import Database, SessionDep, after_commit
from shared.errors import NotFound

logger = logging.getLogger(__name__)

RUN_JOB = "run_batch_job"


class JobStatus(StrEnum):
    """Where a run stands."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Chunk:
    """What one chunk did: rows processed, where the next chunk starts (None: the job is done), the total
    if now known, and the job's result once done."""

    processed: int
    resume_from: JsonValue = None
    total: int | None = None
    result: dict[str, JsonValue] = field(default_factory=dict)


# One chunk of a kind of job: given the session of the chunk's transaction, the job's row and where to
# resume, does a bounded amount of work.
ChunkWork = Callable[[AsyncSession, RowMapping, JsonValue], Awaitable[Chunk]]


class JobRead(BaseModel):
    """A run of a batch job (api.md "Batch jobs")."""

    job_id: uuid.UUID
    kind: str
    period: str
    scope: str
    status: JobStatus
    processed: int
    total: int | None
    created_at: LocalDateTime
    started_at: LocalDateTime | None
    finished_at: LocalDateTime | None
    result: dict[str, JsonValue] | None
    error: str | None


def job_read(row: RowMapping) -> JobRead:
    """Returns the API view of a job row."""
    return JobRead(
        job_id=row["id"], kind=row["kind"], period=row["period"], scope=row["scope"], status=row["status"],
        processed=row["processed"], total=row["total"], created_at=row["created_at"],
        started_at=row["started_at"], finished_at=row["finished_at"], result=row["result"], error=row["error"],
    )


class JobNotFound(NotFound):
    """No job of this service has the id."""

    code = "job.not_found"
    title = "Job not found"


async def request_job(
    session: AsyncSession, table: Table, *, kind: str, period: str = "", scope: str = "", requested_by: str
) -> tuple[RowMapping, bool]:
    """Requests a run in the caller's transaction; returns the queued or running run of the same (kind,
    period, scope) instead when there is one, and whether a new run was created."""
    created = (
        await session.execute(
            pg_insert(table)
            .values(id=uuid.uuid4(), kind=kind, period=period, scope=scope, status=JobStatus.QUEUED.value,
                    requested_by=requested_by)
            .on_conflict_do_nothing(
                index_elements=[table.c.kind, table.c.period, table.c.scope],
                index_where=text("status IN ('queued', 'running')"),
            )
            .returning(*table.c)
        )
    ).mappings().first()
    if created is not None:
        return created, True
    active = (
        await session.execute(
            select(table).where(
                table.c.kind == kind, table.c.period == period, table.c.scope == scope,
                table.c.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
            )
        )
    ).mappings().one()
    return active, False


async def enqueue_job(redis: ArqRedis, queue_name: str, job_id: uuid.UUID) -> None:
    """Puts a run on the service's worker queue; the arq job id is the run's, so sending it twice is
    harmless."""
    await redis.enqueue_job(RUN_JOB, str(job_id), _queue_name=queue_name, _job_id=f"{queue_name}:job:{job_id}")


async def submit_job(
    session: AsyncSession, table: Table, redis: ArqRedis, queue_name: str, *, kind: str, period: str = "",
    scope: str = "", requested_by: str,
) -> tuple[RowMapping, bool]:
    """Requests a run and sends it to the worker once the request's transaction has committed. If Redis is
    down then, the run stays queued and `requeue_queued` sends it later."""
    row, created = await request_job(session, table, kind=kind, period=period, scope=scope,
                                     requested_by=requested_by)
    if created:
        job_id = row["id"]

        async def send() -> None:
            await enqueue_job(redis, queue_name, job_id)

        after_commit(session, send)
    return row, created


async def requeue_queued(database: Database, table: Table, redis: ArqRedis, queue_name: str) -> int:
    """Sends every queued run again (runs whose enqueue after commit failed); returns how many."""
    async with database.transaction() as session:
        ids: list[uuid.UUID] = list(
            (await session.scalars(select(table.c.id).where(table.c.status == JobStatus.QUEUED.value))).all()
        )
    for job_id in ids:
        await enqueue_job(redis, queue_name, job_id)
    return len(ids)


async def run_job(database: Database, table: Table, job_id: uuid.UUID, work: Mapping[str, ChunkWork]) -> JobStatus:
    """Runs (or resumes) a job chunk by chunk, each chunk committing with the job's progress; returns how
    it ended. A run that already ended is left as it is."""
    async with database.transaction() as session:
        row = (
            await session.execute(
                update(table)
                .where(table.c.id == job_id, table.c.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
                .values(status=JobStatus.RUNNING.value, started_at=func.coalesce(table.c.started_at, func.now()))
                .returning(*table.c)
            )
        ).mappings().first()
    if row is None:
        logger.info("job already ended or unknown; nothing to run", extra={"job_id": str(job_id)})
        return JobStatus.SUCCEEDED
    chunk_work = work.get(row["kind"])
    if chunk_work is None:
        return await _fail(database, table, job_id, f"no work of kind {row['kind']!r} on this worker")
    started = time.monotonic()
    resume_from: Any = row["resume_from"]
    try:
        while True:
            async with database.transaction() as session:
                current = (
                    await session.execute(select(table).where(table.c.id == job_id).with_for_update())
                ).mappings().one()
                chunk = await chunk_work(session, current, resume_from)
                done = chunk.resume_from is None
                processed = current["processed"] + chunk.processed
                values: dict[str, Any] = {"processed": processed, "resume_from": chunk.resume_from}
                if chunk.total is not None:
                    values["total"] = chunk.total
                if done:
                    values.update(status=JobStatus.SUCCEEDED.value, result=chunk.result, finished_at=func.now())
                await session.execute(update(table).where(table.c.id == job_id).values(**values))
            logger.info(
                "job progress",
                extra={"job_id": str(job_id), "kind": row["kind"], "period": row["period"], "processed": processed,
                       "total": values.get("total", current["total"]), "done": done},
            )
            if done:
                logger.info("job succeeded", extra={"job_id": str(job_id), "kind": row["kind"],
                                                    "seconds": round(time.monotonic() - started, 3)})
                return JobStatus.SUCCEEDED
            resume_from = chunk.resume_from
    except Exception as exc:
        logger.exception("job chunk failed", extra={"job_id": str(job_id), "kind": row["kind"]})
        return await _fail(database, table, job_id, f"{type(exc).__name__}: {exc}"[:2000])


async def _fail(database: Database, table: Table, job_id: uuid.UUID, error: str) -> JobStatus:
    async with database.transaction() as session:
        await session.execute(
            update(table).where(table.c.id == job_id)
            .values(status=JobStatus.FAILED.value, error=error, finished_at=func.now())
        )
    return JobStatus.FAILED


async def jobs_metrics(session: AsyncSession, table: Table, service: str) -> str:
    """Prometheus lines: runs by kind and status, rows processed by kind, and the last run's duration."""
    rows = (
        await session.execute(
            select(table.c.kind, table.c.status, func.count(), func.sum(table.c.processed))
            .group_by(table.c.kind, table.c.status)
        )
    ).all()
    durations = (
        await session.execute(
            select(table.c.kind, func.max(func.extract("epoch", table.c.finished_at - table.c.started_at)))
            .where(table.c.status == JobStatus.SUCCEEDED.value)
            .group_by(table.c.kind)
        )
    ).all()
    lines = ["# HELP jiuye_jobs Batch job runs by kind and status\n", "# TYPE jiuye_jobs gauge\n"]
    lines += [f'jiuye_jobs{{service="{service}",kind="{k}",status="{s}"}} {n}\n' for k, s, n, _ in rows]
    lines += ["# HELP jiuye_job_rows_processed_total Rows processed by batch jobs\n",
              "# TYPE jiuye_job_rows_processed_total counter\n"]
    processed: dict[str, int] = {}
    for kind, _, _, total in rows:
        processed[str(kind)] = processed.get(str(kind), 0) + int(str(total or 0))
    lines += [f'jiuye_job_rows_processed_total{{service="{service}",kind="{k}"}} {n}\n'
              for k, n in sorted(processed.items())]
    lines += ["# HELP jiuye_job_longest_seconds Longest successful run by kind\n",
              "# TYPE jiuye_job_longest_seconds gauge\n"]
    lines += [f'jiuye_job_longest_seconds{{service="{service}",kind="{k}"}} {float(str(d or 0)):.3f}\n'
              for k, d in durations]
    return "".join(lines)


jobs_router = APIRouter(prefix="/jobs", tags=["jobs"])
JobReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]


@jobs_router.get("/{job_id}", response_model=JobRead, summary="A run of a batch job and its progress")
async def get_job(job_id: uuid.UUID, request: Request, session: SessionDep, principal: JobReader) -> JobRead:
    """Gets a run of one of this service's batch jobs: status, processed / total, result or error."""
    table: Table = request.app.state.platform.job
    row = (await session.execute(select(table).where(table.c.id == job_id))).mappings().first()
    if row is None:
        raise JobNotFound(f"No job {job_id} in this service.", f"本服务没有编号为“{job_id}”的任务。")
    return job_read(row)

