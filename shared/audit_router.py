"""Reading the audit log: staff see who changed or unmasked what, when and from where, in their region."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, JsonValue
from sqlalchemy import Table, select

from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles, scope_region
from shared.clock import LocalDateTime
from shared.db import SessionDep
from shared.errors import ProblemError, Violation
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.regions import in_region


class AuditEntryRead(BaseModel):
    """One audit entry: the actor (a pseudonym for citizens), their role and region, the action and record,
    the client address and request ID, and the details."""

    id: int
    occurred_at: LocalDateTime
    actor: str
    role: str
    region: str
    action: str
    record_type: str
    record_id: str | None
    client_address: str | None
    request_id: str | None
    details: JsonValue


class AuditEntryList(BaseModel):
    """A page of audit entries, oldest first."""

    items: list[AuditEntryRead]
    next_cursor: str | None


audit_router = APIRouter(prefix="/audit-log", tags=["audit"])
AuditReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]


def _invalid_cursor() -> ProblemError:
    return ProblemError(
        422, "request.invalid_cursor", "Invalid cursor", "The cursor is not one this API issued.", "分页游标无效。",
        [Violation("SCHEMA-CURSOR", "cursor", "cursor is malformed", "分页游标格式错误")],
    )


def _after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _invalid_cursor() from None
    if not value.startswith("a") or not value[1:].isascii() or not value[1:].isdigit() or len(value) > 20:
        raise _invalid_cursor()
    return int(value[1:])


def _cursor(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"a{entry_id}".encode()).decode().rstrip("=")


@audit_router.get("", response_model=AuditEntryList, summary="The audit log of the caller's region")
async def list_audit_entries(
    request: Request,
    session: SessionDep,
    principal: AuditReader,
    region: RegionQuery = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    record_type: Annotated[str | None, Query(max_length=64)] = None,
    record_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AuditEntryList:
    """Lists this service's audit entries made by actors of the caller's region (or of `?region=` inside
    it), oldest first: who changed or unmasked what, when and from where. The reading is itself audited."""
    table: Table = request.app.state.platform.audit_log
    prefix = scope_region(principal, region)
    statement = select(table).where(in_region(table.c.region, prefix), table.c.id > _after(cursor))
    for column, value in (("action", action), ("record_type", record_type), ("record_id", record_id)):
        if value is not None:
            statement = statement.where(table.c[column] == value)
    rows = (await session.execute(statement.order_by(table.c.id).limit(limit + 1))).mappings().all()
    shown = rows[:limit]
    await audit.record(
        session, table, principal, "audit_log.read", "audit_log", None, request=request,
        details={"region": prefix, "action": action, "record_type": record_type, "record_id": record_id,
                 "entries": len(shown)},
    )
    return AuditEntryList(
        items=[AuditEntryRead.model_validate(dict(r)) for r in shown],
        next_cursor=_cursor(int(shown[-1]["id"])) if len(rows) > limit and shown else None,
    )
