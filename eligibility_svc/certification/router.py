"""HTTP endpoints of the certification workflow (api.md "Eligibility service (8003): certification workflow")."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import JsonValue

from eligibility_svc.certification import notice, periodic, service
from eligibility_svc.certification.models import ApplicationStatus, CertificationStatus, ReviewStatus
from eligibility_svc.certification.schemas import (
    ApplicationCreate,
    ApplicationRead,
    ApplicationSummary,
    CandidateRead,
    CandidateUpdate,
    CertificationDecision,
    CertificationRead,
    ExitCreate,
    MaterialsAdd,
    ObjectionCreate,
    ObjectionRead,
    PreliminaryReview,
    RejectionNoticeRead,
    RereviewRequest,
    ReviewRead,
    ReviewResult,
    StatusRead,
)
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, forbidden, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.jobs import JobRead, job_read
from shared.letters import letter_pdf, registry_contact, wants_pdf
from shared.pagination import Page, PageRequestDep

router = APIRouter(prefix="/difficulty", tags=["difficulty certification"])

Applicant = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER))]
TownCaseworker = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]
CountyReviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER))]
StaffReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
# Applications are listed to staff (their region) and to a citizen (their own, also those filed for them).
ApplicationLister = Annotated[
    Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
ExitRecorder = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.ADMIN))]
BatchRequester = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]


def workflow_env(request: Request) -> service.WorkflowEnv:
    """Returns the packs, calendar, outbox and registry client of the running service."""
    state = request.app.state
    return service.WorkflowEnv(
        state.policy, state.calendar_holder.calendar, state.platform.outbox,
        getattr(state, "registration_client", None), state.clock,
    )


Env = Annotated[service.WorkflowEnv, Depends(workflow_env)]


async def _audit(request: Request, session: SessionDep, principal: Principal, action: str, record_type: str,
                 record_id: uuid.UUID, details: dict[str, JsonValue]) -> None:
    await audit.record(session, request.app.state.platform.audit_log, principal, action, record_type,
                       str(record_id), request=request, details=details)


@router.post("/applications", status_code=201, response_model=ApplicationRead, dependencies=[Idempotent])
async def create_application(
    body: ApplicationCreate, request: Request, session: SessionDep, principal: Applicant, env: Env, clock: ClockDep
) -> ApplicationRead:
    """Applies for certification (citizen for self, caseworker); lists every missing material at once; the
    registration service's facts win over declared ones; 409 DIFF-DUPLICATE; 503 when it is down."""
    application = await service.apply(session, env, principal, body, clock.today())
    await _audit(request, session, principal, "difficulty.apply", "difficulty_application", application.id,
                 {"status": application.status.value})
    return await service.to_read(session, application, clock.today())


@router.get("/applications", response_model=Page[ApplicationSummary])
async def list_applications(
    session: SessionDep, principal: ApplicationLister, page: PageRequestDep, clock: ClockDep,
    region: RegionQuery = None, status: ApplicationStatus | None = None,
) -> Page[ApplicationSummary]:
    """Lists applications of the caller's region (or `region` inside it), oldest first; a citizen's own (the
    token's subject is their identity number), also those a caseworker filed for them."""
    return await service.list_applications(session, principal, region=region, status=status, page=page,
                                           today=clock.today())


@router.get("/applications/{application_id}", response_model=ApplicationRead)
async def get_application(
    application_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> ApplicationRead:
    """Gets an application with every step's due date, actual date and overdue flag."""
    application = await service.get_application(session, principal, application_id)
    return await service.to_read(session, application, clock.today())


@router.post("/applications/{application_id}/materials", response_model=ApplicationRead, dependencies=[Idempotent])
async def add_materials(
    application_id: uuid.UUID, body: MaterialsAdd, session: SessionDep, principal: Applicant, env: Env,
    clock: ClockDep,
) -> ApplicationRead:
    """Records materials provided later (DIFF-MATERIALS)."""
    application = await service.add_materials(session, env, principal, application_id, body, clock.today())
    return await service.to_read(session, application, clock.today())


@router.post("/applications/{application_id}/preliminary-review", response_model=ApplicationRead,
             dependencies=[Idempotent])
async def preliminary_review(
    application_id: uuid.UUID, body: PreliminaryReview, request: Request, session: SessionDep,
    principal: TownCaseworker, env: Env, clock: ClockDep,
) -> ApplicationRead:
    """The town's preliminary review: pass starts the public notice (DIFF-NOTICE), reject issues the notice."""
    application = await service.preliminary_review(session, env, principal, application_id, body, clock.today())
    await _audit(request, session, principal, "difficulty.preliminary_review", "difficulty_application",
                 application.id, {"decision": body.decision})
    return await service.to_read(session, application, clock.today())


@router.post("/applications/{application_id}/objections", status_code=201, response_model=ObjectionRead,
             dependencies=[Idempotent])
async def add_objection(
    application_id: uuid.UUID, body: ObjectionCreate, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> ObjectionRead:
    """Receives an objection during the notice; 409 DIFF-NOTICE outside the window."""
    objection = await service.add_objection(session, principal, application_id, body, clock.today(),
                                             clock.now())
    return ObjectionRead(id=objection.id, received_on=objection.received_on, content=objection.content,
                         recorded_by=objection.recorded_by)


@router.post("/applications/{application_id}/certification", response_model=ApplicationRead,
             dependencies=[Idempotent])
async def decide(
    application_id: uuid.UUID, body: CertificationDecision, request: Request, session: SessionDep,
    principal: CountyReviewer, env: Env, clock: ClockDep,
) -> ApplicationRead:
    """Certifies or rejects (reviewer of the county or above); 409 DIFF-NOTICE during the notice, 422
    DIFF-REVIEW for an ineligible person."""
    application = await service.decide(session, env, principal, application_id, body, clock.today())
    await _audit(request, session, principal, "difficulty.decide", "difficulty_application", application.id,
                 {"decision": body.decision})
    return await service.to_read(session, application, clock.today())


@router.get("/applications/{application_id}/rejection-notice", response_model=RejectionNoticeRead,
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}}})
async def get_rejection_notice(
    application_id: uuid.UUID, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response | RejectionNoticeRead:
    """The rejection notice (不予认定就业困难人员告知书) as JSON, printable HTML with Accept: text/html, or PDF with
    Accept: application/pdf."""
    application = await service.get_application(session, principal, application_id)
    rejection = service.rejection_notice(application)
    if rejection is None:
        raise forbidden()
    rejection.agency = await registry_contact(getattr(request.app.state, "registration_client", None),
                                              rejection.agency_region_code)
    accept = request.headers.get("accept", "")
    if wants_pdf(accept):
        return Response(letter_pdf(notice.rejection_letter(rejection)), media_type="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="rejection-notice.pdf"'})
    if "text/html" in accept:
        return HTMLResponse(notice.rejection_html(rejection))
    return rejection


@router.post("/applications/{application_id}/re-review", response_model=ApplicationRead, dependencies=[Idempotent])
async def request_rereview(
    application_id: uuid.UUID, body: RereviewRequest, session: SessionDep, principal: Applicant, env: Env,
    clock: ClockDep,
) -> ApplicationRead:
    """Asks for re-review of a rejection within the window; 422 DIFF-REREVIEW-WINDOW when late."""
    application = await service.request_rereview(session, env, principal, application_id, body, clock.today())
    return await service.to_read(session, application, clock.today())


@router.get("/certifications", response_model=Page[CertificationRead])
async def list_certifications(
    session: SessionDep, principal: StaffReader, page: PageRequestDep, region: RegionQuery = None,
    status: CertificationStatus | None = None,
) -> Page[CertificationRead]:
    """Lists certifications of the caller's region, active or ended."""
    return await service.list_certifications(session, principal, region=region, status=status, page=page)


@router.post("/certifications/{certification_id}/exit", response_model=CertificationRead, dependencies=[Idempotent])
async def exit_certification(
    certification_id: uuid.UUID, body: ExitCreate, request: Request, session: SessionDep, principal: ExitRecorder,
    env: Env, clock: ClockDep,
) -> CertificationRead:
    """Ends a certification with its reason (DIFF-EXIT)."""
    certification = await service.exit_certification(session, env, principal, certification_id, body, clock.today())
    await _audit(request, session, principal, "difficulty.exit", "difficulty_certification", certification.id,
                 {"reason": body.reason.value})
    return service.certification_read(certification)


@router.get("/status", response_model=StatusRead)
async def difficulty_status(
    person_id: uuid.UUID, session: SessionDep, principal: StaffReader, clock: ClockDep,
    on: date | None = None,
) -> StatusRead:
    """Tells whether a person was certified on a date (default today), for the subsidy and follow-up services."""
    return await service.status_on(session, person_id, on or clock.today())


@router.post("/reviews/{quarter}/generation", status_code=202, response_model=JobRead)
async def generate_reviews(
    quarter: str, request: Request, session: SessionDep, principal: BatchRequester
) -> JobRead:
    """Lists this quarter's certified persons for their towns to verify (DIFF-QUARTERLY), as a batch job."""
    row = await periodic.submit_quarterly(session, request.app.state, quarter, principal.sub)
    return job_read(row)


@router.get("/reviews", response_model=Page[ReviewRead])
async def list_reviews(
    session: SessionDep, principal: StaffReader, page: PageRequestDep, clock: ClockDep, quarter: str | None = None,
    region: RegionQuery = None, status: ReviewStatus | None = None,
) -> Page[ReviewRead]:
    """Lists quarterly review items of the caller's region, with their report date and overdue flag."""
    return await periodic.list_reviews(session, principal, quarter=quarter, region=region, status=status, page=page,
                                   today=clock.today())


@router.post("/reviews/{review_id}/result", response_model=ReviewRead, dependencies=[Idempotent])
async def report_review(
    review_id: uuid.UUID, body: ReviewResult, session: SessionDep, principal: TownCaseworker, env: Env,
    clock: ClockDep,
) -> ReviewRead:
    """Reports a town's verification; no_longer_eligible ends the certification (DIFF-QUARTERLY, DIFF-EXIT)."""
    return await periodic.report_review(session, env, principal, review_id, body, clock.today())


@router.post("/screening/runs", status_code=202, response_model=JobRead)
async def run_screening(request: Request, session: SessionDep, principal: BatchRequester, clock: ClockDep) -> JobRead:
    """Screens the registered unemployed for persons who appear to qualify (DIFF-SCREENING), as a batch job."""
    row = await periodic.submit_screening(session, request.app.state, clock.today(), principal.sub)
    return job_read(row)


@router.get("/screening/candidates", response_model=Page[CandidateRead])
async def list_candidates(
    session: SessionDep, principal: StaffReader, page: PageRequestDep, region: RegionQuery = None,
) -> Page[CandidateRead]:
    """Lists screening candidates of the caller's region with their categories and reasons."""
    return await periodic.list_candidates(session, principal, region=region, page=page)


@router.post("/screening/candidates/{candidate_id}", response_model=CandidateRead, dependencies=[Idempotent])
async def update_candidate(
    candidate_id: uuid.UUID, body: CandidateUpdate, session: SessionDep, principal: TownCaseworker
) -> CandidateRead:
    """Marks a candidate invited or declined (DIFF-SCREENING)."""
    return await periodic.update_candidate(session, principal, candidate_id, body)
