"""HTTP endpoint of registration statistics: GET /api/v1/registrations/statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from registration_svc.statistics import service
from registration_svc.statistics.schemas import RegistrationStatistics
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.db import SessionDep

router = APIRouter(prefix="/registrations", tags=["statistics"])

StatisticsReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]


@router.get(
    "/statistics", response_model=RegistrationStatistics, summary="Registered unemployed as of a date"
)
async def registration_statistics(
    request: Request,
    session: SessionDep,
    principal: StatisticsReader,
    as_of: date,
    region: RegionQuery = None,
) -> RegistrationStatistics:
    """Counts registrations valid on as_of by county, residence type (城镇登记失业) and status."""
    return await service.statistics(
        session, principal, as_of, region, request.app.state.settings.timezone, request.app.state.policy
    )
