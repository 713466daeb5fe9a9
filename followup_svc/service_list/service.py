"""List use cases: read the list that applies in a region, and publish a region's next version."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.service_list import repository
from followup_svc.service_list.errors import NoList
from followup_svc.service_list.models import ListKind, ServiceList
from followup_svc.service_list.schemas import ListRead
from shared.auth import Principal, Role, region_out_of_scope
from shared.errors import Violation
from shared.labels import label_zh
from shared.regions import region_prefix

RULE_ID = "FU-LISTS"


def to_read(row: ServiceList) -> ListRead:
    """Returns the API view of one list version."""
    return ListRead(
        id=str(row.id), kind=row.kind, region_code=row.region_code, version=row.version, items=row.items,
        created_by=row.created_by, created_at=row.created_at,
    )


def no_list(kind: ListKind, region: str, version: int | None) -> NoList:
    """Returns the 404 for a region without a list of the kind (or without that version)."""
    which = f"version {version} of the {kind} list" if version else f"a {kind} list"
    which_zh = f"第{version}版{label_zh(kind)}" if version else label_zh(kind)
    return NoList(
        f"Neither region {region} nor any region above it has {which}.",
        f"区划 {region} 及其上级区划均没有{which_zh}。",
        [Violation(RULE_ID, "region", f"no {kind} list applies in {region}", f"{region} 无适用的{label_zh(kind)}")],
    )


async def get_list(
    session: AsyncSession, principal: Principal, kind: ListKind, region: str | None, version: int | None
) -> ListRead:
    """Gets the list that applies in a region (any role may read any region's lists: they are public)."""
    prefix = region_prefix(region or principal.region)
    row = await repository.in_force(session, prefix, kind, version)
    if row is None:
        raise no_list(kind, prefix, version)
    return to_read(row)


async def put_list(
    session: AsyncSession, principal: Principal, kind: ListKind, region: str | None, items: list[BaseModel]
) -> ServiceList:
    """Publishes the next version of a region's list (an admin of that region or above); older versions stay."""
    code = region or principal.region
    if principal.role is not Role.SYSTEM and not principal.covers_region(code):
        raise region_out_of_scope(principal, code)
    prefix = region_prefix(code)
    await repository.lock_region_list(session, prefix, kind)
    version = await repository.latest_version(session, prefix, kind) + 1
    row = ServiceList(
        id=uuid.uuid4(), region_code=prefix, kind=kind, version=version,
        items=[item.model_dump(mode="json") for item in items], created_by=principal.sub,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return row
