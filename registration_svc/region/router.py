"""HTTP endpoints of the region registry: regions with their names and agencies, towns, agencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from registration_svc.models import platform
from registration_svc.region import service
from registration_svc.region.schemas import AgencyPut, AgencyRead, RegionChildren, RegionRead, TownPut
from shared import audit
from shared.auth import Principal, PrincipalDep, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.regions import REGION_PATTERN

router = APIRouter(tags=["regions"])

# Admins of a region keep its towns and agencies.
RegionAdmin = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SYSTEM))]
Code = Annotated[str, Path(pattern=REGION_PATTERN)]


@router.get("/regions/{code}", response_model=RegionRead, summary="A region: level, name and agency")
async def get_region(code: Code, session: SessionDep, principal: PrincipalDep) -> RegionRead:
    """Gets a region by any form of its code (44, 440000, 4402, 440203, 440203001)."""
    return await service.region(session, code)


@router.get("/regions/{code}/children", response_model=RegionChildren, summary="The regions one level below")
async def get_children(code: Code, session: SessionDep, principal: PrincipalDep) -> RegionChildren:
    """Lists the regions one level below, with names and agencies (a county's towns as registered)."""
    return await service.children(session, code)


@router.get("/agencies/{code}", response_model=AgencyRead, summary="The agency that answers for a region")
async def get_agency(code: Code, session: SessionDep, principal: PrincipalDep) -> AgencyRead:
    """The region's own agency, else the nearest recorded above it (town, county, city, province): the name,
    address and telephone a decision letter gives; 404 when none is recorded."""
    return await service.answering_agency(session, code)


@router.put("/towns/{code}", response_model=RegionRead, summary="Name a town of a county")
async def put_town(
    code: Code, body: TownPut, request: Request, session: SessionDep, principal: RegionAdmin, clock: ClockDep
) -> RegionRead:
    """Creates or renames a town (admin of a region covering it); audited."""
    view = await service.put_town(session, principal, code, body, clock.now())
    await audit.record(session, platform.audit_log, principal, "region.town_put", "town", code, request=request,
                       details={"name": body.name})
    return view


@router.put("/agencies/{code}", response_model=AgencyRead, summary="Record the agency of a region")
async def put_agency(
    code: Code, body: AgencyPut, request: Request, session: SessionDep, principal: RegionAdmin, clock: ClockDep
) -> AgencyRead:
    """Creates or replaces the public employment service agency of a region (admin of it); audited."""
    agency = await service.put_agency(session, principal, code, body, clock.now())
    await audit.record(session, platform.audit_log, principal, "region.agency_put", "agency", agency.region_code,
                       request=request, details={"name": body.name})
    return agency
