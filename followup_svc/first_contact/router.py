"""HTTP endpoints of first contacts: list, read and record the contact (FU-CONTACT)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from followup_svc.first_contact import service
from followup_svc.first_contact.schemas import FirstContactCompletion, FirstContactRead
from followup_svc.models import FirstContactStatus
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep
from shared.platform_tables import PlatformTables

router = APIRouter(prefix="/followups/first-contacts", tags=["first contacts"])

FirstContactReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
FirstContactRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


def _platform(request: Request) -> PlatformTables:
    platform: PlatformTables = request.app.state.platform
    return platform


@router.get("", response_model=Page[FirstContactRead])
async def list_first_contacts(
    request: Request,
    session: SessionDep,
    principal: FirstContactReader,
    page: PageRequestDep,
    clock: ClockDep,
    region: RegionQuery = None,
    status: FirstContactStatus | None = None,
    overdue: bool | None = None,
) -> Page[FirstContactRead]:
    """Lists first-contact tasks in the caller's region, oldest first (keyset pages)."""
    return await service.list_tasks(
        session, principal, region=region, status=status, overdue=overdue, page=page, today=clock.today()
    )


@router.get("/{task_id}", response_model=FirstContactRead)
async def get_first_contact(
    session: SessionDep, principal: FirstContactReader, clock: ClockDep, task_id: uuid.UUID
) -> FirstContactRead:
    """Gets one first-contact task with the explanation of its due date."""
    task = await service.get_task(session, principal, task_id)
    return service.to_read(task, clock.today())


@router.post("/{task_id}/completion", response_model=FirstContactRead, dependencies=[Idempotent])
async def complete_first_contact(
    request: Request,
    session: SessionDep,
    principal: FirstContactRecorder,
    clock: ClockDep,
    task_id: uuid.UUID,
    body: FirstContactCompletion,
) -> FirstContactRead:
    """Records the first contact of an open task (caseworker of its region); 409 if it is not open."""
    task = await service.complete(session, principal, task_id, body, clock.today())
    await audit.record(
        session, _platform(request).audit_log, principal, "first_contact.complete", "first_contact_task",
        str(task.id), request=request,
        details={"method": body.method.value, "contacted_on": body.contacted_on.isoformat()},
    )
    return service.to_read(task, clock.today())
