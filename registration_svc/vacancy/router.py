"""HTTP endpoints of vacancies: register, review, close, read, list, and the open ones for matching."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.job_seeker.router import job_env
from registration_svc.job_seeker.schemas import OccupationCode, ReviewCreate
from registration_svc.models import platform
from registration_svc.vacancy import repository, service
from registration_svc.vacancy.models import CloseReason
from registration_svc.vacancy.repository import ListFilter
from registration_svc.vacancy.schemas import OpenVacancyRead, VacancyCloseCreate, VacancyCreate, VacancyRead
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.credit_code import normalize_credit_code
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequest, PageRequestDep, decode_cursor, to_page

router = APIRouter(prefix="/vacancies", tags=["job services"])

VacancyRegistrar = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.CASEWORKER))]
VacancyReviewer = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER))]
VacancyCloser = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.CASEWORKER, Role.REVIEWER))]
# The follow-up service (system) and agency staff read open vacancies in bulk for matching.
OpenVacancyReader = Annotated[
    Principal, Depends(require_roles(Role.SYSTEM, Role.CASEWORKER, Role.REVIEWER, Role.ADMIN))
]

# Matching reads every open vacancy of a city at once, so its pages are larger than other lists'.
OPEN_PAGE_DEFAULT, OPEN_PAGE_MAX = 500, 2000


def open_page_request(
    limit: Annotated[int, Query(ge=1, le=OPEN_PAGE_MAX)] = OPEN_PAGE_DEFAULT,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PageRequest:
    """Reads `?limit=&cursor=` of the open-vacancies list (up to OPEN_PAGE_MAX a page)."""
    return PageRequest(limit, decode_cursor(cursor) if cursor else None)


@router.post("", status_code=201, response_model=VacancyRead, dependencies=[Idempotent],
             summary="Register a vacancy (招聘登记, JOB-FAIR-HIRING, JOB-REVIEW)")
async def create_vacancy(
    body: VacancyCreate, request: Request, session: SessionDep, principal: VacancyRegistrar, clock: ClockDep
) -> VacancyRead:
    """Registers a vacancy pending review; a gender, ethnicity or hukou restriction is refused (422)."""
    vacancy = await service.create_vacancy(session, job_env(request), principal, body, clock.now())
    await audit.record(session, platform.audit_log, principal, "vacancy.create", "vacancy", str(vacancy.id),
                       request=request, details={"employer": vacancy.employer_credit_code})
    return service.to_read(vacancy)


@router.get("", response_model=Page[VacancyRead], summary="List vacancies (published ones to every role)")
async def list_vacancies(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    status: ReviewStatus | None = None,
    occupation_code: Annotated[OccupationCode | None, Query()] = None,
    region: RegionQuery = None,
    employer: Annotated[str | None, Query(max_length=32, description="credit code")] = None,
    overdue: bool | None = None,
) -> Page[VacancyRead]:
    """Lists vacancies oldest first: published ones to everyone, an employer's own, staff their region's."""
    flt = ListFilter(status=status, occupation_code=occupation_code, region=region,
                     employer_credit_code=normalize_credit_code(employer) if employer else None, overdue=overdue)
    rows = await service.list_vacancies(session, principal, flt, page)
    return to_page(rows, page, service.to_read, lambda v: (v.created_at, v.id))


@router.get("/open", response_model=Page[OpenVacancyRead],
            summary="Published vacancies still valid, in large pages, for matching")
async def open_vacancies(
    session: SessionDep,
    principal: OpenVacancyReader,
    clock: ClockDep,
    page: Annotated[PageRequest, Depends(open_page_request)],
    region: RegionQuery = None,
) -> Page[OpenVacancyRead]:
    """Lists the published vacancies valid today (in `region`, if given), oldest first, for the matching of
    the follow-up service (shared.matching)."""
    rows = await repository.open_vacancies(session, clock.today(), region, page)
    return to_page(rows, page, service.to_open, lambda v: (v.created_at, v.id))


@router.get("/{vacancy_id}", response_model=VacancyRead, summary="Get one vacancy")
async def get_vacancy(vacancy_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> VacancyRead:
    """Gets a vacancy the caller may see."""
    return service.to_read(await service.load_for_read(session, principal, vacancy_id))


@router.post("/{vacancy_id}/review", response_model=VacancyRead, dependencies=[Idempotent],
             summary="Publish or reject a vacancy (JOB-REVIEW)")
async def review_vacancy(
    vacancy_id: uuid.UUID, body: ReviewCreate, request: Request, session: SessionDep,
    principal: VacancyReviewer, clock: ClockDep,
) -> VacancyRead:
    """Reviews a vacancy waiting for review; only a published vacancy can be recommended."""
    vacancy = await service.review(session, principal, vacancy_id, body, clock.now(), clock.today())
    await audit.record(session, platform.audit_log, principal, f"vacancy.{body.decision}", "vacancy",
                       str(vacancy.id), request=request, details={"reason": body.reason})
    return service.to_read(vacancy)


@router.post("/{vacancy_id}/close", response_model=VacancyRead, dependencies=[Idempotent],
             summary="Close a vacancy (filled or withdrawn)")
async def close_vacancy(
    vacancy_id: uuid.UUID, body: VacancyCloseCreate, request: Request, session: SessionDep,
    principal: VacancyCloser, clock: ClockDep,
) -> VacancyRead:
    """Closes a vacancy: its employer, or staff of its region."""
    vacancy = await service.close(session, principal, vacancy_id, CloseReason(body.reason), clock.now(),
                                  clock.today())
    await audit.record(session, platform.audit_log, principal, "vacancy.close", "vacancy", str(vacancy.id),
                       request=request, details={"reason": body.reason})
    return service.to_read(vacancy)
