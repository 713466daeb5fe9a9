"""Append-only audit log of every write and every unmasked read."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from fastapi import Request
from pydantic import JsonValue
from sqlalchemy import Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.context import current_request_id


@cache
def _insert(audit_log: Table) -> Insert:
    # One statement per table, values bound at execution: its cache key is computed once, not per entry.
    # inline(): nobody reads the generated id, so the insert needs no RETURNING.
    return insert(audit_log).inline()


def _entry(
    principal: Principal,
    action: str,
    record_type: str,
    record_id: str | None,
    request: Request | None,
    details: dict[str, JsonValue] | None,
) -> dict[str, object]:
    client = request.client.host if request is not None and request.client else None
    return {
        "occurred_at": datetime.now(UTC),
        "actor": principal.sub,
        "role": principal.role.value,
        "region": principal.region,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "client_address": client,
        "request_id": current_request_id(),
        "details": details,
    }


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
    await session.execute(_insert(audit_log), _entry(principal, action, record_type, record_id, request, details))
