"""Append-only audit log of every write and every unmasked read."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from pydantic import JsonValue
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.context import current_request_id


async def record(
    session: AsyncSession,
    audit_log: Table,
    principal: Principal,
    action: str,
    record_type: str,
    record_id: str | None,
    *,
    request: Request | None = None,
    details: dict[str, JsonValue] | None = None,
) -> None:
    """Writes one audit entry in the caller's transaction, so it exists exactly when the change does."""
    client = request.client.host if request is not None and request.client else None
    await session.execute(
        insert(audit_log).values(
            occurred_at=datetime.now(UTC),
            actor=principal.sub,
            role=principal.role.value,
            region=principal.region,
            action=action,
            record_type=record_type,
            record_id=record_id,
            client_address=client,
            request_id=current_request_id(),
            details=details,
        )
    )
