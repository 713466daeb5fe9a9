"""HTTP endpoint of a person's timeline in the follow-up service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from followup_svc.person import service
from followup_svc.person.schemas import Timeline
from shared.auth import Principal, Role, require_roles
from shared.db import SessionDep

router = APIRouter(prefix="/persons/{person_id}/timeline", tags=["persons"])

TimelineReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]


@router.get("", response_model=Timeline)
async def get_timeline(session: SessionDep, principal: TimelineReader, person_id: uuid.UUID) -> Timeline:
    """Gets a person's history oldest first: registration, first contact, services, tiers, revisits, actions."""
    return await service.timeline(session, principal, person_id)
