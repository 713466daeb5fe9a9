"""HTTP endpoints of the person registry: put a person by identity, read one (api.md "Persons")."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from registration_svc.identity.rules import IdentityClauses
from registration_svc.models import platform
from registration_svc.person import service
from registration_svc.person.schemas import ContactCorrection, PersonPut, PersonRecordRead
from shared import audit
from shared.auth import Principal, PrincipalDep, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent

router = APIRouter(prefix="/persons", tags=["persons"])

# Agency staff and the other services resolve identity numbers here.
PersonRegistrar = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]


@router.put("", response_model=PersonRecordRead, dependencies=[Idempotent],
            summary="Find or create the person of an identity number")
async def put_person(
    body: PersonPut,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PersonRegistrar,
    clock: ClockDep,
) -> PersonRecordRead:
    """Returns the person of the identity number, creating them (201) if the registry has none; identity
    fields of an existing person are kept, contact and household details updated, each change noted."""
    pack = request.app.state.policy.for_region(service.person_region(body, principal.region))
    person, created, changes = await service.put_person(
        session, body, clock.now(), clock.today(), IdentityClauses.of(pack.citation)
    )
    if created or changes:
        await audit.record(
            session, platform.audit_log, principal, "person.create" if created else "person.update", "person",
            str(person.id), request=request, details={"changes": [f"{c.field}:{c.action}" for c in changes]},
        )
    response.status_code = 201 if created else 200
    # The caller sent the number, so it gets it back; a system sees full numbers anyway.
    return service.to_record_read(person, full_number=True, changes=changes)


ContactCorrector = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN))]


@router.patch("/{person_id}/contact", response_model=PersonRecordRead, dependencies=[Idempotent],
              summary="Correct a person's telephone (staff, audited)")
async def correct_contact(
    person_id: uuid.UUID,
    body: ContactCorrection,
    request: Request,
    session: SessionDep,
    principal: ContactCorrector,
    clock: ClockDep,
) -> PersonRecordRead:
    """Corrects the telephone of a person whose residence or household registration lies in the caller's
    region, without a new registration; the audit log keeps the old and the new number and the reason."""
    person, change = await service.correct_contact(session, principal, person_id, body.phone, clock.now())
    if change is not None:
        await audit.record(
            session, platform.audit_log, principal, "person.correct_contact", "person", str(person.id),
            request=request,
            details={"field": change.field, "old": change.stored, "new": change.given, "reason": body.reason},
        )
    return service.to_record_read(person, full_number=False, changes=[change] if change else [])


@router.get("/{person_id}", response_model=PersonRecordRead, summary="Get one person")
async def get_person(
    person_id: uuid.UUID, request: Request, session: SessionDep, principal: PrincipalDep, unmask: bool = False
) -> PersonRecordRead:
    """Gets a person (staff and systems; a citizen only themselves); the identity number is masked unless
    a system asks, or staff ask with `?unmask=true` (audited, shown only once the entry has committed)."""
    person = await service.get_person(session, principal, person_id)
    full = principal.role is Role.SYSTEM or (unmask and principal.is_staff)
    if unmask and principal.is_staff:
        await audit.record(session, platform.audit_log, principal, "person.unmask", "person", str(person.id),
                           request=request)
    return service.to_record_read(person, full_number=full)
