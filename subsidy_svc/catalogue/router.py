"""HTTP endpoints of the skill-subsidy catalogue: read it as in force on a date, load and edit versions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from shared import audit
from shared.auth import PrincipalDep
from shared.clock import ClockDep
from shared.codes import OCCUPATION_PATTERN
from shared.db import SessionDep
from shared.spreadsheets import ImportRead, read_upload, xlsx_upload
from subsidy_svc.catalogue import service
from subsidy_svc.catalogue.schemas import CatalogueEntryUpdate, CatalogueItemRead, CatalogueRead

router = APIRouter(prefix="/skill-subsidy/catalogue", tags=["skill-subsidy catalogue"])

CodePath = Annotated[str, Path(pattern=OCCUPATION_PATTERN)]
LevelPath = Annotated[int, Path(ge=1, le=5)]


@router.get("", response_model=CatalogueRead)
async def read_catalogue(
    session: SessionDep, principal: PrincipalDep, clock: ClockDep, on: date | None = None
) -> CatalogueRead:
    """Returns the catalogue in force on `on` (default today): occupations, levels and amounts (any role)."""
    return await service.read(session, on or clock.today())


@router.put("/versions/{effective_from}", response_model=ImportRead, openapi_extra=xlsx_upload())
async def load_version(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    effective_from: date,
    name: Annotated[str, Query(min_length=1, max_length=200)] = "职业技能提升培训补贴目录",
    source: Annotated[str, Query(min_length=1, max_length=500)] = "published provincial catalogue",
    partial: bool = False,
) -> ImportRead:
    """Loads the version in force from `effective_from` from the published xlsx (province admin)."""
    content = await read_upload(request)
    answer = await service.import_version(
        session, principal, effective_from, content, name=name, source=source, partial=partial
    )
    await audit.record(
        session, request.app.state.platform.audit_log, principal, "catalogue.load", "catalogue_version",
        effective_from.isoformat(), request=request, details={"accepted": answer.accepted, "name": name},
    )
    return answer


@router.put("/versions/{effective_from}/entries/{occupation_code}/{level}", response_model=CatalogueItemRead)
async def set_entry(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    effective_from: date,
    occupation_code: CodePath,
    level: LevelPath,
    body: CatalogueEntryUpdate,
) -> CatalogueItemRead:
    """Sets one occupation and level from `effective_from` on (province admin)."""
    item = await service.set_entry(session, principal, effective_from, occupation_code, level, body)
    await audit.record(
        session, request.app.state.platform.audit_log, principal, "catalogue.set_entry", "catalogue_entry",
        f"{effective_from.isoformat()}/{occupation_code}/{level}", request=request,
        details={"amount_fen": body.amount_fen},
    )
    return item


@router.delete("/versions/{effective_from}/entries/{occupation_code}/{level}", status_code=204)
async def delete_entry(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    effective_from: date,
    occupation_code: CodePath,
    level: LevelPath,
) -> Response:
    """Takes one occupation and level out of the catalogue from `effective_from` on (province admin)."""
    await service.delete_entry(session, principal, effective_from, occupation_code, level)
    await audit.record(
        session, request.app.state.platform.audit_log, principal, "catalogue.delete_entry", "catalogue_entry",
        f"{effective_from.isoformat()}/{occupation_code}/{level}", request=request,
    )
    return Response(status_code=204)
