"""HTTP endpoints of unemployment registration: apply, decide, read and list."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from registration_svc.models import platform
from registration_svc.registration import service
from registration_svc.registration.models import Channel, RegistrationStatus
from registration_svc.registration.repository import ListFilter
from registration_svc.registration.schemas import (
    RegistrationCreate,
    RegistrationDecisionCreate,
    RegistrationRead,
    RegistrationSummary,
)
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.clients.registration import MAX_FACT_PERSONS, RegistrationFactsPage
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.letters import LETTER_CONTENT, letter_response
from shared.pagination import Page, PageRequestDep, to_page

router = APIRouter(prefix="/registrations", tags=["registrations"])

RegistrationApplicant = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.SYSTEM))]
RegistrationFactsReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
RegistrationDecider = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER))]


def registration_env(request: Request) -> service.RegistrationEnv:
    """Returns the calendar, policy packs and time zone of the running service."""
    state = request.app.state
    return service.RegistrationEnv(state.calendar_holder.calendar, state.policy, timezone_of(request))


def timezone_of(request: Request) -> ZoneInfo:
    """Returns the service's local time zone (Asia/Shanghai by default)."""
    return ZoneInfo(request.app.state.settings.timezone)


@router.post(
    "",
    status_code=201,
    response_model=RegistrationRead,
    dependencies=[Idempotent],
    summary="Apply for unemployment registration (REG-*)",
)
async def create_registration(
    body: RegistrationCreate,
    request: Request,
    session: SessionDep,
    principal: RegistrationApplicant,
    clock: ClockDep,
) -> RegistrationRead:
    """Registers a person as unemployed: window at once, online pending until verified or decided."""
    result = await service.create_registration(session, registration_env(request), principal, body, clock.now())
    registration = result.registration
    await audit.record(
        session,
        platform.audit_log,
        principal,
        "registration.create",
        "registration",
        str(registration.id),
        request=request,
        details={
            "status": registration.status,
            "channel": registration.channel,
            "person_id": str(registration.person_id),
            "person_changes": [f"{c.field}:{c.action}" for c in result.person_changes],
        },
    )
    return service.to_read(registration, result.person, principal, timezone_of(request), changes=result.person_changes)


@router.get("", response_model=Page[RegistrationSummary], summary="List registrations in the caller's scope")
async def list_registrations(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    id_number: Annotated[str | None, Query(max_length=32, description="证件号码 Identity number")] = None,
    status: RegistrationStatus | None = None,
    region: RegionQuery = None,
    channel: Channel | None = None,
    name: Annotated[
        str | None, Query(min_length=1, max_length=100, description="姓名 Part of the person's name")
    ] = None,
    applied_from: Annotated[date | None, Query(description="申请日期起 Applied on or after (local day)")] = None,
    applied_to: Annotated[date | None, Query(description="申请日期止 Applied on or before (local day)")] = None,
    registered_from: Annotated[date | None, Query(description="登记日期起 Registered on or after")] = None,
    registered_to: Annotated[date | None, Query(description="登记日期止 Registered on or before")] = None,
) -> Page[RegistrationSummary]:
    """Lists registrations by region, status, channel, identity number, name and application or
    registration dates, oldest first or with `?order=newest` newest first (keyset pages). An unknown query
    parameter is a 422."""
    flt = ListFilter(
        region_prefix=region, id_number=id_number, status=status, channel=channel.value if channel else None,
        name=name, applied_from=applied_from, applied_to=applied_to,
        registered_from=registered_from, registered_to=registered_to, zone=str(timezone_of(request)),
    )
    rows = await service.list_registrations(session, principal, flt, page)
    full = principal.role is Role.SYSTEM
    return to_page(rows, page, lambda row: service.to_summary(*row, full_number=full),
                   lambda row: (row[0].created_at, row[0].id))


@router.get("/facts", response_model=RegistrationFactsPage, summary="Registration facts for peer services")
async def registration_facts(
    session: SessionDep,
    principal: RegistrationFactsReader,
    person_id: Annotated[list[uuid.UUID] | None, Query(max_length=MAX_FACT_PERSONS)] = None,
    status: RegistrationStatus | None = None,
    after: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> RegistrationFactsPage:
    """Lists registrations as facts (dates, status, deregistration, the person's gender, birth date and
    household) in id order, for the certification workflow and the screening that reads them in pages."""
    return await service.registration_facts(
        session, principal, person_ids=person_id or [], status=status, after=after, limit=limit
    )


@router.get("/{registration_id}", response_model=RegistrationRead, summary="Get one registration")
async def get_registration(
    registration_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    unmask: bool = False,
) -> RegistrationRead:
    """Gets a registration; staff of its region may ask for the full identity number (audited: the number
    is shown only with its audit entry, which commits before the response is sent)."""
    registration, person = await service.load_for_read(session, principal, registration_id)
    full = unmask and principal.is_staff
    if full:
        await audit.record(
            session,
            platform.audit_log,
            principal,
            "registration.unmask",
            "registration",
            str(registration.id),
            request=request,
            details={"person_id": str(person.id)},
        )
    return service.to_read(registration, person, principal, timezone_of(request), full_number=full)


@router.get(
    "/{registration_id}/rejection-notice",
    response_class=HTMLResponse,
    responses=LETTER_CONTENT,
    summary="The rejection letter (不予登记告知书) as printable HTML, or PDF",
)
async def get_rejection_notice(
    registration_id: uuid.UUID, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    """The letter of a rejected registration (agency and telephone, reason, conditions of registration, appeal
    deadline), for printing (PDF with Accept: application/pdf); the applicant reads their own, staff those of their
    region; 409 unless rejected."""
    letter = await service.rejection_letter(
        session, principal, registration_id, timezone_of(request), request.app.state.policy
    )
    return letter_response(letter, request.headers.get("accept", ""), "rejection-notice")


@router.post(
    "/{registration_id}/decision",
    response_model=RegistrationRead,
    dependencies=[Idempotent],
    summary="Approve or reject a pending registration",
)
async def decide_registration(
    registration_id: uuid.UUID,
    body: RegistrationDecisionCreate,
    request: Request,
    session: SessionDep,
    principal: RegistrationDecider,
    clock: ClockDep,
) -> RegistrationRead:
    """Decides a pending online registration; approval makes it take effect."""
    tz = timezone_of(request)
    registration, person = await service.decide(
        session, principal, registration_id, body.approve, body.reason, clock.now(), tz, request.app.state.policy
    )
    await audit.record(
        session,
        platform.audit_log,
        principal,
        "registration.approve" if body.approve else "registration.reject",
        "registration",
        str(registration.id),
        request=request,
        details={"reason": body.reason},
    )
    return service.to_read(registration, person, principal, tz)
