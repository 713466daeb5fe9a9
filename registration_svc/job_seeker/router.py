"""HTTP endpoints of job-seeker registration: register, review, read and list."""

from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request

from registration_svc.job_seeker import service
from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.job_seeker.repository import ListFilter
from registration_svc.job_seeker.schemas import JobSeekerCreate, JobSeekerRead, ReviewCreate
from registration_svc.models import platform
from registration_svc.registration.service import RegistrationEnv
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep, to_page

router = APIRouter(prefix="/job-seekers", tags=["job services"])

JobSeekerRegistrar = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER))]
JobSeekerReviewer = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER))]


def job_env(request: Request) -> RegistrationEnv:
    """Returns the calendar, policy packs and time zone of the running service."""
    state = request.app.state
    return RegistrationEnv(state.calendar_holder.calendar, state.policy, ZoneInfo(state.settings.timezone))


@router.post("", status_code=201, response_model=JobSeekerRead, dependencies=[Idempotent],
             summary="Register as a job seeker (求职登记, JOB-REVIEW)")
async def create_job_seeker(
    body: JobSeekerCreate, request: Request, session: SessionDep, principal: JobSeekerRegistrar, clock: ClockDep
) -> JobSeekerRead:
    """Registers a job seeker after verifying the identity (REG-ID); pending review until its review_due."""
    job_seeker, person, changes = await service.create_job_seeker(
        session, job_env(request), principal, body, clock.now()
    )
    await audit.record(
        session, platform.audit_log, principal, "job_seeker.create", "job_seeker", str(job_seeker.id),
        request=request,
        details={"person_id": str(person.id), "person_changes": [f"{c.field}:{c.action}" for c in changes]},
    )
    return service.to_read(job_seeker, person, principal, changes)


@router.get("", response_model=Page[JobSeekerRead], summary="List job-seeker registrations in the caller's scope")
async def list_job_seekers(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    person_id: uuid.UUID | None = None,
    status: ReviewStatus | None = None,
    overdue: bool | None = None,
    region: RegionQuery = None,
) -> Page[JobSeekerRead]:
    """Lists registrations (a citizen their own, staff their region), oldest first (keyset pages)."""
    flt = ListFilter(region=region, person_id=person_id, status=status, overdue=overdue)
    rows = await service.list_job_seekers(session, principal, flt, page)
    return to_page(rows, page, lambda row: service.to_read(row[0], row[1], principal),
                   lambda row: (row[0].created_at, row[0].id))


@router.get("/{job_seeker_id}", response_model=JobSeekerRead, summary="Get one job-seeker registration")
async def get_job_seeker(job_seeker_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> JobSeekerRead:
    """Gets a registration the caller may see."""
    job_seeker, person = await service.load_for_read(session, principal, job_seeker_id)
    return service.to_read(job_seeker, person, principal)


@router.post("/{job_seeker_id}/review", response_model=JobSeekerRead, dependencies=[Idempotent],
             summary="Publish or reject a job-seeker registration (JOB-REVIEW)")
async def review_job_seeker(
    job_seeker_id: uuid.UUID,
    body: ReviewCreate,
    request: Request,
    session: SessionDep,
    principal: JobSeekerReviewer,
    clock: ClockDep,
) -> JobSeekerRead:
    """Reviews a registration waiting for review; a late review is recorded and flagged overdue."""
    job_seeker, person = await service.review(
        session, principal, job_seeker_id, body, clock.now(), ZoneInfo(request.app.state.settings.timezone)
    )
    await audit.record(session, platform.audit_log, principal, f"job_seeker.{body.decision}", "job_seeker",
                       str(job_seeker.id), request=request, details={"reason": body.reason})
    return service.to_read(job_seeker, person, principal)
