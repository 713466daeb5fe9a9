"""HTTP endpoints of unemployment registration: apply, decide, read and list."""

from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Row

from registration_svc.deregistration.rules import DeregistrationReason, reason_group
from registration_svc.models import platform
from registration_svc.person.models import Person
from registration_svc.registration import service
from registration_svc.registration.models import Channel, Registration, RegistrationStatus
from registration_svc.registration.repository import ListFilter
from registration_svc.registration.schemas import (
    DeadlineOut,
    DecisionIn,
    DeclarationIn,
    DeregistrationOut,
    PersonNote,
    PersonOut,
    RegistrationCreate,
    RegistrationRead,
    RegistrationSummary,
    VerificationOut,
)
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.masking import mask_id_number
from shared.pagination import Page, PageRequestDep, to_page

router = APIRouter(prefix="/registrations", tags=["registrations"])

RegistrationApplicant = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.SYSTEM))]
RegistrationDecider = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER))]


def registration_env(request: Request) -> service.RegistrationEnv:
    """Returns the calendar, policy packs and time zone of the running service."""
    state = request.app.state
    return service.RegistrationEnv(state.calendar_holder.calendar, state.policy, timezone_of(request))


def timezone_of(request: Request) -> ZoneInfo:
    """Returns the service's local time zone (Asia/Shanghai by default)."""
    return ZoneInfo(request.app.state.settings.timezone)


def _person_out(person: Person, full_number: bool) -> PersonOut:
    return PersonOut(
        id=person.id,
        id_type=person.id_type,
        id_number=person.id_number if full_number else mask_id_number(person.id_number),
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        phone=person.phone,
        hukou_region_code=person.hukou_region_code,
        hukou_type=person.hukou_type,
        residence_region_code=person.residence_region_code,
        residence_type=person.residence_type,
    )


def _note(change: service.PersonChange) -> PersonNote:
    if change.action == "kept":
        return PersonNote(
            field=change.field,
            action="kept",
            message=f"{change.field} differs from the stored person; the stored identity field is kept",
            message_zh=f"{change.field} 与已登记的人员信息不一致，保留原有身份信息",
        )
    return PersonNote(
        field=change.field,
        action="updated",
        message=f"{change.field} of the stored person was updated from this application",
        message_zh=f"已按本次申请更新人员的 {change.field}",
    )


def to_read(
    registration: Registration,
    person: Person,
    principal: Principal,
    tz: ZoneInfo,
    *,
    full_number: bool = False,
    changes: list[service.PersonChange] | None = None,
) -> RegistrationRead:
    """Returns the API view of a registration; findings only for staff and systems."""
    deregistration = None
    if registration.deregistration_reason and registration.deregistration_effective_date:
        assert registration.deregistered_at is not None and registration.deregistered_by is not None
        reason = DeregistrationReason(registration.deregistration_reason)
        deregistration = DeregistrationOut(
            reason=reason.value,
            reason_group=reason_group(reason).value,
            effective_date=registration.deregistration_effective_date,
            note=registration.deregistration_note,
            notify_person=bool(registration.notify_person),
            notification_id=registration.notification_id,
            false_information=registration.false_information,
            deregistered_at=registration.deregistered_at,
            deregistered_by=registration.deregistered_by,
        )
    sees_findings = principal.role is not Role.CITIZEN
    return RegistrationRead(
        id=registration.id,
        person_id=registration.person_id,
        status=RegistrationStatus(registration.status),
        channel=Channel(registration.channel),
        agency_region_code=registration.agency_region_code,
        applied_at=registration.applied_at,
        decision_due=registration.decision_due,
        deadline=DeadlineOut(
            workdays=registration.deadline_workdays,
            source=registration.deadline_source,
            estimated=registration.deadline_estimated,
            reason=(
                f"decision due {registration.decision_due}: "
                + (
                    "window applications are decided at once"
                    if registration.deadline_workdays == 0
                    else f"{registration.deadline_workdays} working days after the application date "
                    "(T-WORKDAY)"
                )
            ),
            reason_zh=(
                f"办结期限 {registration.decision_due}："
                + (
                    "现场办理即时办结"
                    if registration.deadline_workdays == 0
                    else f"申请之日起 {registration.deadline_workdays} 个工作日内办结（T-WORKDAY）"
                )
            ),
        ),
        overdue=registration.overdue,
        decided_at=registration.decided_at if registration.decided_at else None,
        decided_by=registration.decided_by,
        decision_reason=registration.decision_reason,
        registered_on=registration.registered_on,
        person=_person_out(person, full_number or principal.role is Role.SYSTEM),
        person_notes=[_note(c) for c in changes or []],
        hukou_region_code=registration.hukou_region_code,
        hukou_type=registration.hukou_type,
        residence_region_code=registration.residence_region_code,
        residence_type=registration.residence_type,
        unemployed_since=registration.unemployed_since,
        unemployment_reason=registration.unemployment_reason,
        education=registration.education,
        health_status=registration.health_status,
        disability_category=registration.disability_category,
        skills=list(registration.skills),
        certificates=[dict(c) for c in registration.certificates],
        job_intentions=[dict(j) for j in registration.job_intentions],
        training_intentions=list(registration.training_intentions),
        wants_startup_support=registration.wants_startup_support,
        claims_unemployment_insurance=registration.claims_unemployment_insurance,
        contact_address=registration.contact_address,
        emergency_contact=dict(registration.emergency_contact) if registration.emergency_contact else None,
        declaration=DeclarationIn(
            unemployed=registration.declared_unemployed,
            able_to_work=registration.declared_able_to_work,
            wants_work=registration.declared_wants_work,
            receiving_pension=registration.declared_receiving_pension,
        ),
        commitment_signed=registration.commitment_signed,
        verification=VerificationOut(
            state=registration.verification_state,
            findings=[dict(f) for f in registration.verification_findings] if sees_findings else None,
            home_visit_task_id=registration.home_visit_task_id if sees_findings else None,
        ),
        deregistration=deregistration,
        created_at=registration.created_at,
    )


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
    return to_read(registration, result.person, principal, timezone_of(request), changes=result.person_changes)


@router.get("", response_model=Page[RegistrationSummary], summary="List registrations in the caller's scope")
async def list_registrations(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    id_number: Annotated[str | None, Query(max_length=32)] = None,
    status: RegistrationStatus | None = None,
    region: RegionQuery = None,
    channel: Channel | None = None,
) -> Page[RegistrationSummary]:
    """Lists registrations by region, status, channel and identity number, oldest first (keyset pages)."""
    flt = ListFilter(
        region_prefix=region, id_number=id_number, status=status, channel=channel.value if channel else None
    )
    rows = await service.list_registrations(session, principal, flt, page)
    full = principal.role is Role.SYSTEM

    def summary(row: Row[Registration, Person]) -> RegistrationSummary:
        r, p = row
        return RegistrationSummary(
            id=r.id,
            person_id=r.person_id,
            id_number=p.id_number if full else mask_id_number(p.id_number),
            name=p.name,
            status=RegistrationStatus(r.status),
            channel=Channel(r.channel),
            agency_region_code=r.agency_region_code,
            applied_at=r.applied_at,
            decision_due=r.decision_due,
            overdue=r.overdue,
            registered_on=r.registered_on,
            created_at=r.created_at,
        )

    return to_page(rows, page, summary, lambda row: (row[0].created_at, row[0].id))


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
    return to_read(registration, person, principal, timezone_of(request), full_number=full)


@router.post(
    "/{registration_id}/decision",
    response_model=RegistrationRead,
    dependencies=[Idempotent],
    summary="Approve or reject a pending registration",
)
async def decide_registration(
    registration_id: uuid.UUID,
    body: DecisionIn,
    request: Request,
    session: SessionDep,
    principal: RegistrationDecider,
    clock: ClockDep,
) -> RegistrationRead:
    """Decides a pending online registration; approval makes it take effect."""
    tz = timezone_of(request)
    registration, person = await service.decide(
        session, principal, registration_id, body.approve, body.reason, clock.now(), tz
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
    return to_read(registration, person, principal, tz)
