"""HTTP endpoints of job fairs: plan one, offer vacancies, invite persons, record responses, read, list."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from registration_svc.job_fair import service
from registration_svc.job_fair.schemas import (
    FairVacanciesCreate,
    InvitationsCreate,
    InvitationUpdate,
    JobFairCreate,
    JobFairRead,
    JobFairSummary,
)
from registration_svc.models import platform
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep, to_page

router = APIRouter(prefix="/job-fairs", tags=["job services"])

FairOrganizer = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.post("", status_code=201, response_model=JobFairRead, dependencies=[Idempotent],
             summary="Plan a job fair for unemployed persons (专场招聘)")
async def create_fair(body: JobFairCreate, request: Request, session: SessionDep, principal: FairOrganizer,
                      clock: ClockDep) -> JobFairRead:
    """Records an online or offline fair of the caseworker's region with the published vacancies it offers."""
    fair = await service.create_fair(session, principal, body, clock.now())
    await audit.record(session, platform.audit_log, principal, "job_fair.create", "job_fair", str(fair.id),
                       request=request)
    return await service.to_read(session, fair, principal)


@router.get("", response_model=Page[JobFairSummary], summary="List job fairs of a region")
async def list_fairs(session: SessionDep, principal: PrincipalDep, page: PageRequestDep, region: RegionQuery = None,
                     since: date | None = None) -> Page[JobFairSummary]:
    """Lists the fairs of a region (the caller's by default) ending on or after `since`."""
    rows = await service.list_fairs(session, principal, region, since, page)
    return to_page(rows, page, service.to_summary, lambda f: (f.created_at, f.id))


@router.get("/{fair_id}", response_model=JobFairRead, summary="Get one job fair")
async def get_fair(fair_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> JobFairRead:
    """Gets a fair with its vacancies; invitations for staff of its region."""
    return await service.to_read(session, await service.load_fair(session, fair_id), principal)


@router.post("/{fair_id}/vacancies", response_model=JobFairRead, dependencies=[Idempotent],
             summary="Offer published vacancies at a fair")
async def add_vacancies(fair_id: uuid.UUID, body: FairVacanciesCreate, session: SessionDep,
                        principal: FairOrganizer, clock: ClockDep) -> JobFairRead:
    """Offers more published vacancies at the fair (409 vacancy.not_published for any other)."""
    fair = await service.add_vacancies(session, principal, fair_id, body.vacancy_ids, clock.now())
    return await service.to_read(session, fair, principal)


@router.post("/{fair_id}/invitations", response_model=JobFairRead, dependencies=[Idempotent],
             summary="Invite persons to a fair")
async def invite(fair_id: uuid.UUID, body: InvitationsCreate, request: Request, session: SessionDep,
                 principal: FairOrganizer, clock: ClockDep) -> JobFairRead:
    """Invites persons of the registry to the fair; inviting someone twice keeps the first invitation."""
    fair = await service.invite(session, principal, fair_id, body.person_ids, clock.today(), clock.now())
    await audit.record(session, platform.audit_log, principal, "job_fair.invite", "job_fair", str(fair.id),
                       request=request, details={"persons": len(body.person_ids)})
    return await service.to_read(session, fair, principal)


@router.put("/{fair_id}/invitations/{person_id}", response_model=JobFairRead,
            summary="Record what became of an invitation")
async def respond(fair_id: uuid.UUID, person_id: uuid.UUID, body: InvitationUpdate, session: SessionDep,
                  principal: FairOrganizer, clock: ClockDep) -> JobFairRead:
    """Records an invitation accepted, declined or attended."""
    fair = await service.respond(session, principal, fair_id, person_id, body.response, clock.now())
    return await service.to_read(session, fair, principal)
