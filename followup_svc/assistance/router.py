"""HTTP endpoints of a person's assistance: read it with its requirements, and change the tier (FU-TIER)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from followup_svc.assistance import service
from followup_svc.assistance.schemas import AssistanceRead, TierPut
from shared import audit
from shared.auth import Principal, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.platform_tables import PlatformTables

router = APIRouter(prefix="/persons/{person_id}/assistance", tags=["assistance"])

AssistanceReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
TierSetter = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.get("", response_model=AssistanceRead)
async def get_assistance(
    request: Request, session: SessionDep, principal: AssistanceReader, clock: ClockDep, person_id: uuid.UUID
) -> AssistanceRead:
    """Gets a person's tier and each requirement: required, delivered, due date, met / open / overdue."""
    return await service.get_assistance(session, principal, person_id, clock.today(), request.app.state.policy)


@router.put("/tier", response_model=AssistanceRead)
async def put_tier(
    request: Request, session: SessionDep, principal: TierSetter, clock: ClockDep, person_id: uuid.UUID,
    body: TierPut,
) -> AssistanceRead:
    """Moves a certified person between Tier II and III with a reason (caseworker of their region)."""
    today = clock.today()
    row = await service.set_tier(
        session, principal, person_id, body, today, request.app.state.policy, request.app.state.calendar_holder.calendar
    )
    platform: PlatformTables = request.app.state.platform
    await audit.record(
        session, platform.audit_log, principal, "assistance.tier", "assistance", str(person_id), request=request,
        details={"tier": body.tier.value, "reason": body.reason, "ground": body.ground},
    )
    return await service.to_read(session, person_id, row, today, request.app.state.policy)
