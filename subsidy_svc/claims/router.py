"""HTTP endpoints of skill-subsidy claims: file, list, read, review, objections (api.md, SUB-*)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.letters import LETTER_CONTENT, letter_response
from shared.pagination import Page, PageRequestDep
from subsidy_svc.calendar.router import CalendarDep
from subsidy_svc.claims import repository, service
from subsidy_svc.claims.models import ClaimStatus
from subsidy_svc.claims.schemas import ClaimCreate, ClaimRead, ObjectionCreate, ObjectionDecision, ReviewCreate
from subsidy_svc.peers import PeersDep

router = APIRouter(prefix="/skill-subsidy/claims", tags=["skill-subsidy claims"])

ClaimFiler = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.SYSTEM))]
ClaimReader = Annotated[
    Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
ClaimReviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER))]
ObjectionRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER))]


@router.post("", response_model=ClaimRead, status_code=201, dependencies=[Idempotent])
async def file_claim(
    request: Request, session: SessionDep, principal: ClaimFiler, clock: ClockDep, calendar: CalendarDep,
    peers: PeersDep, body: ClaimCreate,
) -> ClaimRead:
    """Files a claim (citizen for self, caseworker): 422 SUB-WINDOW / SUB-CATALOGUE / SUB-ACCOUNT, 409 SUB-DUPLICATE,
    503 when the eligibility service cannot tell a difficulty group's membership."""
    today = clock.today()
    claim = await service.file_claim(session, principal, body, peers=peers, registry=request.app.state.policy,
                                     calendar=calendar, today=today)
    await audit.record(session, request.app.state.platform.audit_log, principal, "skill_claim.file", "skill_claim",
                       str(claim.id), request=request,
                       details={"certificate": claim.certificate_number, "subsidy_fen": claim.subsidy_fen,
                                "living_allowance_fen": claim.living_allowance_fen})
    return service.to_read(claim, [], today)


@router.get("", response_model=Page[ClaimRead])
async def list_claims(
    session: SessionDep, principal: ClaimReader, clock: ClockDep, page: PageRequestDep,
    region: RegionQuery = None, status: ClaimStatus | None = None, overdue: bool | None = None,
) -> Page[ClaimRead]:
    """Lists claims in the caller's region by status as of today and overdue state (keyset pages)."""
    return await service.list_claims(session, principal, region=region, status=status, overdue=overdue, page=page,
                                     today=clock.today())


@router.get("/{claim_id}", response_model=ClaimRead)
async def get_claim(session: SessionDep, principal: ClaimReader, clock: ClockDep, claim_id: uuid.UUID) -> ClaimRead:
    """Gets a claim with each step's due date, actual date and overdue flag."""
    return await service.read(session, principal, claim_id, clock.today())


@router.get("/{claim_id}/rejection-notice", response_class=HTMLResponse, responses=LETTER_CONTENT)
async def get_rejection_notice(
    request: Request, session: SessionDep, principal: ClaimReader, peers: PeersDep, claim_id: uuid.UUID
) -> Response:
    """The rejection letter (不予发放告知书) as printable HTML, or PDF with Accept: application/pdf: reason,
    legal basis, appeal deadline; the applicant reads their own, staff those of their region; 409 unless the
    claim is rejected. The agency's name, address and telephone come from the registration service's region
    registry (the region code alone if it cannot answer)."""
    letter = await service.rejection_letter(session, principal, claim_id, request.app.state.policy,
                                            peers.registration)
    return letter_response(letter, request.headers.get("accept", ""), "rejection-notice")


@router.post("/{claim_id}/review", response_model=ClaimRead, dependencies=[Idempotent])
async def review_claim(
    request: Request, session: SessionDep, principal: ClaimReviewer, clock: ClockDep, calendar: CalendarDep,
    claim_id: uuid.UUID, body: ReviewCreate,
) -> ClaimRead:
    """Records the review opinion (SUB-REVIEW): approved claims go on public notice (SUB-NOTICE)."""
    today = clock.today()
    claim = await service.review(session, principal, claim_id, body, registry=request.app.state.policy,
                                 calendar=calendar, today=today)
    await audit.record(session, request.app.state.platform.audit_log, principal, "skill_claim.review", "skill_claim",
                       str(claim.id), request=request, details={"decision": body.decision.value})
    return service.to_read(claim, await repository.objections(session, claim.id), today)


@router.post("/{claim_id}/objections", response_model=ClaimRead, status_code=201, dependencies=[Idempotent])
async def add_objection(
    request: Request, session: SessionDep, principal: ObjectionRecorder, clock: ClockDep, claim_id: uuid.UUID,
    body: ObjectionCreate,
) -> ClaimRead:
    """Records an objection received during the notice (SUB-NOTICE); payment waits until it is decided."""
    today = clock.today()
    objection = await service.add_objection(session, principal, claim_id, body, today)
    await audit.record(session, request.app.state.platform.audit_log, principal, "skill_claim.objection",
                       "claim_objection", str(objection.id), request=request)
    return await service.read(session, principal, claim_id, today)


@router.post("/{claim_id}/objections/{objection_id}/decision", response_model=ClaimRead, dependencies=[Idempotent])
async def decide_objection(
    request: Request, session: SessionDep, principal: ClaimReviewer, clock: ClockDep, claim_id: uuid.UUID,
    objection_id: uuid.UUID, body: ObjectionDecision,
) -> ClaimRead:
    """Upholds (claim rejected) or dismisses (claim payable after the notice) an objection."""
    today = clock.today()
    await service.decide_objection(session, principal, claim_id, objection_id, body, today)
    await audit.record(session, request.app.state.platform.audit_log, principal, "skill_claim.objection_decision",
                       "claim_objection", str(objection_id), request=request, details={"upheld": body.upheld})
    return await service.read(session, principal, claim_id, today)
