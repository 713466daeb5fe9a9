"""HTTP endpoints of granted startup loans: record, read, early repayment (api.md, LOAN-RATE)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from shared import audit
from shared.auth import Principal, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from subsidy_svc.loans import repository, service
from subsidy_svc.loans.schemas import EarlyRepayment, LoanCreate, LoanRead
from subsidy_svc.peers import PeersDep

router = APIRouter(prefix="/startup-loans", tags=["startup loans"])

LoanRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.SYSTEM))]
LoanReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]


@router.post("", response_model=LoanRead, status_code=201, dependencies=[Idempotent])
async def record_loan(
    request: Request, session: SessionDep, principal: LoanRecorder, peers: PeersDep, body: LoanCreate
) -> LoanRead:
    """Records a granted loan after LOAN-RATE and the eligibility service's evaluation, with its subsidy schedule."""
    loan, periods = await service.record_loan(session, principal, body, peers=peers, registry=request.app.state.policy)
    await audit.record(session, request.app.state.platform.audit_log, principal, "startup_loan.record", "startup_loan",
                       str(loan.id), request=request, details={"contract": loan.contract_number,
                                                               "principal_fen": loan.principal_fen})
    return service.to_read(loan, periods)


@router.get("/{loan_id}", response_model=LoanRead)
async def get_loan(session: SessionDep, principal: LoanReader, loan_id: uuid.UUID) -> LoanRead:
    """Gets a loan with its interest-subsidy schedule."""
    loan = await service.get_loan(session, principal, loan_id)
    return service.to_read(loan, await repository.periods(session, loan.id))


@router.post("/{loan_id}/early-repayment", response_model=LoanRead, dependencies=[Idempotent])
async def early_repayment(
    request: Request, session: SessionDep, principal: LoanRecorder, clock: ClockDep, peers: PeersDep,
    loan_id: uuid.UUID, body: EarlyRepayment,
) -> LoanRead:
    """Shortens the schedule to the repayment date (the periods after it are cancelled)."""
    loan, periods = await service.early_repayment(session, principal, loan_id, body, peers=peers, today=clock.today())
    await audit.record(session, request.app.state.platform.audit_log, principal, "startup_loan.early_repayment",
                       "startup_loan", str(loan.id), request=request, details={"repaid_on": body.repaid_on.isoformat()})
    return service.to_read(loan, periods)
