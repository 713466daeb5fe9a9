"""HTTP endpoints of payment batches: create, read, bank file, bank results, report (api.md, PAY-ONCE)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.request_body import body_limit
from shared.spreadsheets import read_upload, xlsx_response, xlsx_upload
from subsidy_svc.payments import service
from subsidy_svc.payments.models import PaymentKind
from subsidy_svc.payments.schemas import BatchCreate, BatchRead, PaymentReport, ResultsCreate, ResultsRead

router = APIRouter(prefix="/payment-batches", tags=["payments"])

PaymentAdmin = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]


# No Idempotency-Key: a retried creation finds everything already batched (409 nothing payable), and storing a
# 100,000-item answer for replay would cost more than it saves.
@router.post("", response_model=BatchRead, status_code=201)
async def create_batch(request: Request, session: SessionDep, principal: PaymentAdmin, body: BatchCreate) -> BatchRead:
    """Makes a batch of every item of the kind and region payable on as_of and not in a batch (PAY-ONCE)."""
    batch = await service.create_batch(session, principal, body)
    await audit.record(session, request.app.state.platform.audit_log, principal, "payment_batch.create",
                       "payment_batch", str(batch.id), request=request,
                       details={"kind": batch.kind.value, "items": batch.item_count, "total_fen": batch.total_fen})
    return await service.batch_read(session, batch)


@router.get("/report", response_model=PaymentReport)
async def payment_report(
    session: SessionDep, principal: PaymentAdmin, clock: ClockDep, kind: PaymentKind,
    region: RegionQuery = None, as_of: date | None = None,
) -> PaymentReport:
    """Paid, failed and outstanding by region, and whether every batch's total equals its items' sum."""
    return await service.report(session, principal, kind, region, as_of or clock.today())


@router.get("/{batch_id}", response_model=BatchRead)
async def get_batch(session: SessionDep, principal: PaymentAdmin, batch_id: uuid.UUID) -> BatchRead:
    """Gets a batch with its items and sums by result."""
    return await service.batch_read(session, await service.get_batch(session, principal, batch_id))


@router.get("/{batch_id}/export")
async def export_batch(session: SessionDep, principal: PaymentAdmin, batch_id: uuid.UUID) -> FileResponse:
    """The bank file (xlsx): one row per item with payee, account and amount, result columns for the bank."""
    batch = await service.get_batch(session, principal, batch_id)
    rows = await service.bank_file_rows(session, batch)
    return xlsx_response(service.BANK_FILE, rows, f"payment-batch-{batch.id}.xlsx")


# A bank's result file as JSON: up to 200,000 items of about 200 bytes each.
RESULTS_MAX_BYTES = 48 * 1024 * 1024


@router.post("/{batch_id}/results", response_model=ResultsRead, openapi_extra=body_limit(RESULTS_MAX_BYTES))
async def apply_results(
    request: Request, session: SessionDep, principal: PaymentAdmin, clock: ClockDep, batch_id: uuid.UUID,
    body: ResultsCreate,
) -> ResultsRead:
    """Applies the bank's results: paid is final, failed may be batched again; a replayed file changes nothing."""
    answer = await service.apply_results(session, principal, batch_id, body, today=clock.today(), now=clock.now())
    await audit.record(session, request.app.state.platform.audit_log, principal, "payment_batch.results",
                       "payment_batch", str(batch_id), request=request,
                       details={"applied": answer.applied, "paid": answer.paid, "failed": answer.failed,
                                "unchanged": answer.unchanged})
    return answer


@router.post("/{batch_id}/results/file", response_model=ResultsRead, openapi_extra=xlsx_upload())
async def apply_result_file(
    request: Request, session: SessionDep, principal: PaymentAdmin, clock: ClockDep, batch_id: uuid.UUID
) -> ResultsRead:
    """Applies the bank's filled-in bank file (xlsx, the exported layout) as POST .../results does."""
    body = service.results_from_bank_file(await read_upload(request))
    answer = await service.apply_results(session, principal, batch_id, body, today=clock.today(), now=clock.now())
    await audit.record(session, request.app.state.platform.audit_log, principal, "payment_batch.result_file",
                       "payment_batch", str(batch_id), request=request,
                       details={"applied": answer.applied, "paid": answer.paid, "failed": answer.failed,
                                "unchanged": answer.unchanged})
    return answer
