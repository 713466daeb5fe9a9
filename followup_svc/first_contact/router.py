"""HTTP endpoints of first contacts: list, read and record the contact (FU-CONTACT)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from followup_svc.first_contact import service
from followup_svc.first_contact.schemas import FirstContactCompletion, FirstContactRead
from followup_svc.models import FirstContactStatus
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from shared.platform_tables import PlatformTables
from shared.settings import PlatformSettings

router = APIRouter(prefix="/followups/first-contacts", tags=["first contacts"])

FirstContactReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
FirstContactRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


def _today(request: Request) -> date:
    settings: PlatformSettings = request.app.state.settings
    return datetime.now(ZoneInfo(settings.timezone)).date()


def _platform(request: Request) -> PlatformTables:
    platform: PlatformTables = request.app.state.platform
    return platform


@router.get("", response_model=Page[FirstContactRead])
async def list_first_contacts(
    request: Request,
    session: SessionDep,
    principal: FirstContactReader,
    region: RegionQuery = None,
    status: FirstContactStatus | None = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[FirstContactRead]:
    """Lists first-contact tasks in the caller's region, oldest first (keyset pages)."""
    return await service.list_tasks(
        session, principal, region=region, status=status, overdue=overdue, limit=limit, cursor=cursor,
        today=_today(request),
    )


@router.get("/{task_id}", response_model=FirstContactRead)
async def get_first_contact(
    request: Request, session: SessionDep, principal: FirstContactReader, task_id: uuid.UUID
) -> FirstContactRead:
    """Gets one first-contact task with the explanation of its due date."""
    task = await service.get_task(session, principal, task_id)
    return service.to_read(task, _today(request))


@router.post("/{task_id}/completion", response_model=FirstContactRead, dependencies=[Idempotent])
async def complete_first_contact(
    request: Request,
    session: SessionDep,
    principal: FirstContactRecorder,
    task_id: uuid.UUID,
    body: FirstContactCompletion,
) -> FirstContactRead:
    """Records the first contact of an open task (caseworker of its region); 409 if it is not open."""
    task = await service.complete(session, principal, task_id, body, _today(request))
    await audit.record(
        session, _platform(request).audit_log, principal, "first_contact.complete", "first_contact_task",
        str(task.id), request=request,
        details={"method": body.method.value, "contacted_on": body.contacted_on.isoformat()},
    )
    return service.to_read(task, _today(request))
