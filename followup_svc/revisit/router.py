"""HTTP endpoints of revisits: record one made, and list those due (FU-REVISIT)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from followup_svc.revisit import service
from followup_svc.revisit.schemas import RevisitCreate, RevisitRead, SlotRead
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep
from shared.platform_tables import PlatformTables

router = APIRouter(tags=["revisits"])

RevisitReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
RevisitRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.post("/persons/{person_id}/revisits", response_model=RevisitRead, status_code=201, dependencies=[Idempotent])
async def record_revisit(
    request: Request, session: SessionDep, principal: RevisitRecorder, clock: ClockDep, person_id: uuid.UUID,
    body: RevisitCreate,
) -> RevisitRead:
    """Records a revisit to the person or their employer; a problem found opens a follow-up action."""
    result = await service.record_revisit(session, principal, person_id, body, clock.today())
    platform: PlatformTables = request.app.state.platform
    await audit.record(
        session, platform.audit_log, principal, "revisit.record", "revisit", str(result.id), request=request,
        details={"person_id": str(person_id), "target": body.target.value, "visited_on": body.visited_on.isoformat()},
    )
    return result


@router.get("/revisits/due", response_model=Page[SlotRead])
async def list_due_revisits(
    session: SessionDep, principal: RevisitReader, clock: ClockDep, page: PageRequestDep,
    region: RegionQuery = None, before: date | None = None,
) -> Page[SlotRead]:
    """Lists revisits still owed and due on or before `before` (default today) in the caller's region."""
    today = clock.today()
    return await service.list_due(session, principal, region, before or today, page, today)
