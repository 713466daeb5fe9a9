"""HTTP endpoints of the ledger (api.md "Follow-up service (8002): ledger"): list, read, contacts, coverage,
export and import, and the batch jobs (generation, close, data match)."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from followup_svc.ledger import service, spreadsheet
from followup_svc.ledger.models import EntryStatus
from followup_svc.ledger.rules import MONTH_PATTERN
from followup_svc.ledger.schemas import ContactCreate, ContactRead, CoverageRead, EntryRead, MonthBody
from followup_svc.models import platform
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.calendar import WorkdayCalendar
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.jobs import JobRead, job_read, submit_job
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from shared.spreadsheets import ImportRead, read_upload, xlsx_upload

router = APIRouter(tags=["ledger"])

LedgerReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
LedgerRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]
LedgerBatch = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]
MonthQuery = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]


def _calendar(request: Request) -> WorkdayCalendar:
    calendar: WorkdayCalendar = request.app.state.calendar_holder.calendar
    return calendar


def _queue(request: Request) -> tuple[ArqRedis, str]:
    # The app's Redis pool, spoken to as arq does: a job request is put on the worker's queue after commit.
    redis = ArqRedis(connection_pool=request.app.state.redis.connection_pool)
    return redis, request.app.state.settings.queue_name("followup")


async def _submit(request: Request, session: SessionDep, principal: Principal, kind: str, month: str) -> JobRead:
    redis, queue = _queue(request)
    row, created = await submit_job(session, platform.job, redis, queue, kind=kind, period=month,
                                    requested_by=principal.sub)
    await audit.record(session, platform.audit_log, principal, f"{kind}.request", "job", str(row["id"]),
                       request=request, details={"month": month, "new_run": created})
    return job_read(row)


@router.get("/ledger", response_model=Page[EntryRead])
async def list_ledger(
    request: Request, session: SessionDep, principal: LedgerReader, clock: ClockDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    region: RegionQuery = None, status: EntryStatus | None = None, registration_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[EntryRead]:
    """Lists ledger entries in the caller's region: oldest month first, then pending, attempted and the rest
    (the most urgent first), each saying whether it is at risk of being missed."""
    return await service.list_entries(
        session, principal, region=region, month=service.month_param(month) if month else None,
        status=status.value if status else None, registration_id=registration_id, limit=limit, cursor=cursor,
        today=clock.today(), calendar=_calendar(request), policy=request.app.state.policy,
    )


@router.get("/ledger/coverage", response_model=CoverageRead)
async def ledger_coverage(session: SessionDep, principal: LedgerReader, month: MonthQuery,
                          region: RegionQuery = None) -> CoverageRead:
    """Counts a month's entries in a region by state, with coverage = contacted / required, and the same for
    each region one level down (T-REGION)."""
    return await service.coverage(session, principal, service.month_param(month), region)


@router.get("/ledger/export", response_class=FileResponse,
            responses={200: {"content": {spreadsheet.XLSX_MEDIA_TYPE: {}}}})
async def export_ledger(request: Request, principal: LedgerReader, month: MonthQuery,
                        region: RegionQuery = None) -> FileResponse:
    """Exports a month's ledger of a region as .xlsx (Chinese headers), with empty contact columns to fill in
    and import back."""
    return await spreadsheet.export_response(request.app.state.database, principal, service.month_param(month),
                                             region)


@router.post("/ledger/import", response_model=ImportRead, openapi_extra=xlsx_upload())
async def import_ledger(
    request: Request, session: SessionDep, principal: LedgerRecorder, clock: ClockDep, partial: bool = False,
) -> ImportRead:
    """Imports contacts from the export's template; by default a file with any bad row imports nothing,
    `?partial=true` imports the good rows."""
    content = await read_upload(request)
    answer = await spreadsheet.import_contacts(session, principal, content, request.app.state.policy,
                                               _calendar(request), clock.today(), clock.now(), partial=partial)
    await audit.record(session, platform.audit_log, principal, "ledger.import", "ledger_contact", None,
                       request=request, details={"accepted": answer.accepted, "rejected": answer.rejected,
                                                 "partial": partial})
    return answer


@router.get("/ledger/{entry_id}", response_model=EntryRead)
async def get_ledger_entry(request: Request, session: SessionDep, principal: LedgerReader, clock: ClockDep,
                           entry_id: uuid.UUID) -> EntryRead:
    """Gets one entry with its contacts and any deregistration requested."""
    entry = await service.get_entry(session, principal, entry_id)
    (read,) = await service.entry_reads(session, [entry], clock.today(), _calendar(request), request.app.state.policy)
    return read


@router.post("/ledger/{entry_id}/contacts", response_model=ContactRead, status_code=201, dependencies=[Idempotent])
async def add_ledger_contact(
    request: Request, session: SessionDep, principal: LedgerRecorder, clock: ClockDep, entry_id: uuid.UUID,
    body: ContactCreate,
) -> ContactRead:
    """Records a contact (phone, visit, data match) of an open entry; an outcome that ends the registration
    requests the deregistration (FU-OUTCOME, FU-REFUSAL)."""
    contact = await service.add_contact(session, principal, entry_id, body, request.app.state.policy,
                                        _calendar(request), clock.today(), clock.now())
    await audit.record(session, platform.audit_log, principal, "ledger.contact", "ledger_entry", str(entry_id),
                       request=request, details={"contact_id": str(contact.id), "result": body.result.value,
                                                 "deregistration_requested": contact.deregistration_requested
                                                 is not None})
    return contact


@router.post("/ledger/months/{month}/generation", response_model=JobRead, status_code=202)
async def generate_month(request: Request, session: SessionDep, principal: LedgerBatch,
                         month: str) -> JobRead:
    """Queues the generation of a month's entries for every registration valid in it (FU-MONTHLY)."""
    service.month_param(month)
    return await _submit(request, session, principal, service.GENERATION, month)


@router.post("/ledger/months/{month}/close", response_model=JobRead, status_code=202)
async def close_month(request: Request, session: SessionDep, principal: LedgerBatch, clock: ClockDep,
                      month: str) -> JobRead:
    """Queues the close of a month that has ended: pending → missed, attempted → unreachable (FU-MONTHLY),
    then FU-UNREACHABLE; 409 ledger.month_open before the month ends."""
    service.check_closable(service.month_param(month), clock.today(),
                           request.app.state.policy.for_region(principal.region).citation("followup_monthly"))
    return await _submit(request, session, principal, service.CLOSE, month)


@router.post("/data-match/runs", response_model=JobRead, status_code=202)
async def run_data_match(request: Request, session: SessionDep, principal: LedgerBatch, clock: ClockDep,
                         body: MonthBody) -> JobRead:
    """Queues the month's data match against the registration service's reference data (FU-DATA-MATCH)."""
    service.data_match_day(service.month_param(body.month), clock.today())
    return await _submit(request, session, principal, service.DATA_MATCH, body.month)
