"""HTTP endpoints of the services given to a person."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from followup_svc.service_record import service
from followup_svc.service_record.schemas import ServiceCreate, ServiceRead
from shared import audit
from shared.auth import Principal, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep
from shared.platform_tables import PlatformTables

router = APIRouter(prefix="/persons/{person_id}/services", tags=["services"])

ServiceReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
ServiceRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.post("", response_model=ServiceRead, status_code=201, dependencies=[Idempotent])
async def record_service(
    request: Request, session: SessionDep, principal: ServiceRecorder, clock: ClockDep, person_id: uuid.UUID,
    body: ServiceCreate,
) -> ServiceRead:
    """Records a service given to a person (caseworker of their region); a retry with the same Idempotency-Key
    returns the first answer and records nothing more."""
    row, given = await service.record(session, principal, person_id, body, clock.today())
    platform: PlatformTables = request.app.state.platform
    await audit.record(
        session, platform.audit_log, principal, "service.record", "service_record", str(row.id), request=request,
        details={"person_id": str(person_id), "kind": row.kind.value, "delivered_on": row.delivered_on.isoformat()},
    )
    return service.to_read(row, given)


@router.get("", response_model=Page[ServiceRead])
async def list_services(
    session: SessionDep, principal: ServiceReader, page: PageRequestDep, person_id: uuid.UUID
) -> Page[ServiceRead]:
    """Lists the services given to a person in the order recorded (keyset pages)."""
    return await service.list_services(session, principal, person_id, page)
