"""HTTP endpoints of the region lists: GET (any role) and PUT a new version (admin of the region)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from followup_svc.service_list import service
from followup_svc.service_list.models import ListKind
from followup_svc.service_list.schemas import AgencyItem, ListPut, ListRead, PolicyItem, ServiceItem
from shared import audit
from shared.auth import Principal, PrincipalDep, RegionQuery, Role, require_roles
from shared.db import SessionDep
from shared.platform_tables import PlatformTables

router = APIRouter(prefix="/lists", tags=["lists"])

ListAdmin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
VersionQuery = Annotated[int | None, Query(ge=1)]


async def _publish(
    request: Request, session: SessionDep, principal: Principal, kind: ListKind, region: str | None,
    items: list[BaseModel],
) -> ListRead:
    row = await service.put_list(session, principal, kind, region, items)
    platform: PlatformTables = request.app.state.platform
    await audit.record(
        session, platform.audit_log, principal, f"list.{kind.value}.put", "service_list", str(row.id),
        request=request, details={"region_code": row.region_code, "version": row.version},
    )
    return service.to_read(row)


@router.get("/policies", response_model=ListRead)
async def get_policy_list(
    session: SessionDep, principal: PrincipalDep, region: RegionQuery = None, version: VersionQuery = None
) -> ListRead:
    """Gets the policy list (政策清单) that applies in a region: its own or the nearest above it."""
    return await service.get_list(session, principal, ListKind.POLICIES, region, version)


@router.put("/policies", response_model=ListRead)
async def put_policy_list(
    request: Request, session: SessionDep, principal: ListAdmin, body: ListPut[PolicyItem], region: RegionQuery = None
) -> ListRead:
    """Publishes the next version of a region's policy list (seed 002 §四(二))."""
    return await _publish(request, session, principal, ListKind.POLICIES, region, list(body.items))


@router.get("/services", response_model=ListRead)
async def get_service_list(
    session: SessionDep, principal: PrincipalDep, region: RegionQuery = None, version: VersionQuery = None
) -> ListRead:
    """Gets the service list (服务清单) that applies in a region: its own or the nearest above it."""
    return await service.get_list(session, principal, ListKind.SERVICES, region, version)


@router.put("/services", response_model=ListRead)
async def put_service_list(
    request: Request, session: SessionDep, principal: ListAdmin, body: ListPut[ServiceItem], region: RegionQuery = None
) -> ListRead:
    """Publishes the next version of a region's service list (seed 002 §四(二))."""
    return await _publish(request, session, principal, ListKind.SERVICES, region, list(body.items))


@router.get("/agencies", response_model=ListRead)
async def get_agency_list(
    session: SessionDep, principal: PrincipalDep, region: RegionQuery = None, version: VersionQuery = None
) -> ListRead:
    """Gets the agency list (公共就业服务机构清单) that applies in a region: its own or the nearest above it."""
    return await service.get_list(session, principal, ListKind.AGENCIES, region, version)


@router.put("/agencies", response_model=ListRead)
async def put_agency_list(
    request: Request, session: SessionDep, principal: ListAdmin, body: ListPut[AgencyItem], region: RegionQuery = None
) -> ListRead:
    """Publishes the next version of a region's agency list (seed 002 §四(二))."""
    return await _publish(request, session, principal, ListKind.AGENCIES, region, list(body.items))
