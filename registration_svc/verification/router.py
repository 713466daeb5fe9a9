"""Endpoints: reference-data loading for administrators and home-visit tasks for caseworkers."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from registration_svc.models import platform
from registration_svc.registration import service as registration_service
from registration_svc.verification import repository, service
from registration_svc.verification.errors import ReferenceFileNotCsv, ReferenceFileTooLarge, UnknownReferenceSource
from registration_svc.verification.models import (
    HomeVisitStatus,
    SourceName,
)
from registration_svc.verification.reference_csv import SOURCE_KINDS
from registration_svc.verification.schemas import (
    HomeVisitCompletionCreate,
    HomeVisitTaskRead,
    KindCountRead,
    ReferenceDataSummary,
    ReferenceMatchesRead,
    ReferenceMatchQuery,
    ReferenceMatchRead,
)
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_provincial, require_roles
from shared.clock import ClockDep
from shared.codes import is_ascii_digits
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep, to_page
from shared.request_body import body_limit

router = APIRouter()

MAX_CSV_BYTES = 64 * 1024 * 1024
ReferenceDataAdmin = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]
# The social-insurance, civil-affairs ... reference data covers the whole province and a load replaces all of
# it: only a provincial admin (or a system) may load it.
ReferenceDataLoader = Annotated[Principal, Depends(require_provincial(Role.ADMIN, Role.SYSTEM))]
HomeVisitReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
HomeVisitRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN))]


def _source(name: str) -> SourceName:
    try:
        return SourceName(name)
    except ValueError:
        raise UnknownReferenceSource(f"Reference source {name!r} not found", f"数据源“{name}”不存在") from None


async def _summary(request: Request, session: SessionDep, source: SourceName) -> ReferenceDataSummary:
    summary = await service.reference_summary(session, source)
    batch = summary.batch
    return ReferenceDataSummary(
        source=source, loaded=batch is not None, batch_id=batch.id if batch else None,
        row_count=batch.row_count if batch else 0,
        loaded_at=batch.loaded_at if batch else None,
        loaded_by=batch.loaded_by if batch else None, content_sha256=batch.content_sha256 if batch else None,
        kinds=[KindCountRead(kind=c.kind, status=c.status, count=c.count) for c in summary.counts],
        allowed_kinds=sorted(SOURCE_KINDS[source]),
    )


@router.put(
    "/reference-data/{source}", response_model=ReferenceDataSummary, tags=["reference data"],
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"text/csv": {"schema": {"type": "string"}}}},
                   **body_limit(MAX_CSV_BYTES)},
)
async def replace_reference_data(
    source: str, request: Request, session: SessionDep, principal: ReferenceDataLoader
) -> ReferenceDataSummary:
    """Replaces a source's reference data with a CSV file (id_number, kind, status, valid_from,
    valid_to, extra columns); one bad line rejects the whole file."""
    name = _source(source)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "text/csv":
        raise ReferenceFileNotCsv("Send the file as text/csv.", "请以CSV格式（“text/csv”）上传文件。")
    declared = request.headers.get("content-length")
    if declared is not None and is_ascii_digits(declared) and int(declared) > MAX_CSV_BYTES:
        raise _too_large()
    content = bytearray()
    async for chunk in request.stream():
        content.extend(chunk)
        if len(content) > MAX_CSV_BYTES:
            raise _too_large()
    batch = await service.replace_reference_data(session, name, bytes(content), principal.sub)
    await audit.record(session, platform.audit_log, principal, "reference_data.replace", "reference_data",
                       name.value, request=request,
                       details={"batch_id": str(batch.id), "rows": batch.row_count,
                                "sha256": batch.content_sha256})
    return await _summary(request, session, name)


def _too_large() -> ReferenceFileTooLarge:
    return ReferenceFileTooLarge(f"The file is larger than {MAX_CSV_BYTES} bytes; split the source's export.",
                                 f"文件超过{MAX_CSV_BYTES}字节，请拆分导出。")


@router.post("/reference-data/matches", response_model=ReferenceMatchesRead, tags=["reference data"])
async def match_reference_data(
    body: ReferenceMatchQuery, session: SessionDep, principal: ReferenceDataAdmin
) -> ReferenceMatchesRead:
    """Finds, for a page of persons, the active reference records in force on a day (social insurance,
    pension, business registration, civil affairs): the follow-up's monthly data match (FU-DATA-MATCH) asks
    in bulk, never one call per person. A read: nothing changes, so it may be repeated."""
    rows = await repository.matches_for_persons(session, body.person_ids, body.on, body.kinds)
    return ReferenceMatchesRead(on=body.on, matches=[
        ReferenceMatchRead(person_id=p, source=SourceName(s), kind=k, valid_from=f, valid_to=t)
        for p, s, k, f, t in rows
    ])


@router.get("/reference-data/{source}", response_model=ReferenceDataSummary, tags=["reference data"])
async def get_reference_data(
    source: str, request: Request, session: SessionDep, principal: ReferenceDataAdmin
) -> ReferenceDataSummary:
    """Gets what a reference source holds now: the current load and counts by kind and status."""
    return await _summary(request, session, _source(source))


@router.get("/home-visit-tasks", response_model=Page[HomeVisitTaskRead], tags=["home visits"])
async def list_home_visit_tasks(
    session: SessionDep,
    principal: HomeVisitReader,
    page: PageRequestDep,
    clock: ClockDep,
    status: HomeVisitStatus = HomeVisitStatus.OPEN,
    region: RegionQuery = None,
) -> Page[HomeVisitTaskRead]:
    """Lists home-visit tasks in the caller's region (open ones by default), oldest first."""
    tasks = await repository.list_tasks(session, principal, region, status, page)
    return to_page(
        tasks, page, lambda task: service.task_read(task, clock.today()), lambda task: (task.created_at, task.id)
    )


@router.get("/home-visit-tasks/{task_id}", response_model=HomeVisitTaskRead, tags=["home visits"])
async def get_home_visit_task(
    task_id: UUID, session: SessionDep, principal: HomeVisitReader, clock: ClockDep
) -> HomeVisitTaskRead:
    """Gets one home-visit task of the caller's region."""
    return service.task_read(await service.get_task(session, principal, task_id), clock.today())


@router.post(
    "/home-visit-tasks/{task_id}/completion", response_model=HomeVisitTaskRead, tags=["home visits"],
    dependencies=[Idempotent],
)
async def complete_home_visit_task(
    task_id: UUID,
    body: HomeVisitCompletionCreate,
    request: Request,
    session: SessionDep,
    principal: HomeVisitRecorder,
    clock: ClockDep,
) -> HomeVisitTaskRead:
    """Records the outcome of a home visit and closes the task (409 when it is already done); a confirmed
    visit makes the pending registration take effect, any other leaves it for a caseworker's decision."""
    task = await service.get_task(session, principal, task_id, for_update=True)
    applied_on = await registration_service.applied_on(session, task.registration_id, clock.zone)
    task = await service.complete_home_visit_task(
        session, task, outcome=body.outcome, visited_on=body.visited_on, rules=body.rules, note=body.note,
        completed_by=principal.sub, today=clock.today(), applied_on=applied_on,
    )
    await audit.record(session, platform.audit_log, principal, "home_visit.complete", "home_visit_task",
                       str(task.id), request=request,
                       details={"outcome": body.outcome.value, "rules": list(body.rules),
                                "registration_id": str(task.registration_id)})
    registration = await registration_service.record_home_visit(
        session, task.registration_id, body.outcome, body.visited_on, body.rules, body.note, principal,
        clock.now(), clock.zone, request.app.state.policy,
    )
    if registration is not None:
        await audit.record(session, platform.audit_log, principal, "registration.home_visit", "registration",
                           str(registration.id), request=request,
                           details={"task_id": str(task.id), "status": registration.status,
                                    "verification_state": registration.verification_state})
    return service.task_read(task, clock.today())
