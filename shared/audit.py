"""Append-only audit log of every write and every unmasked read, and of denied requests (rate-limited).

The actor of an entry is the caller's subject, except for citizens, whose subject is their identity number:
theirs is a keyed pseudonym (HMAC-SHA256 under AUDIT_SUBJECT_KEY), stable for one person so their trail
can be followed, without the number in the row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import unicodedata
from datetime import UTC, datetime
from functools import cache

from fastapi import Request
from pydantic import JsonValue
from sqlalchemy import Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.context import current_request_id
from shared.settings import PLACEHOLDER_AUDIT_SUBJECT_KEY

logger = logging.getLogger(__name__)

_subject_key = PLACEHOLDER_AUDIT_SUBJECT_KEY.encode()


def use_subject_key(key: str) -> None:
    """Sets the key of citizens' pseudonyms for this process (the app and the worker do at start)."""
    global _subject_key
    _subject_key = key.encode()


def pseudonym(subject: str) -> str:
    """Returns the stable keyed pseudonym of a citizen's subject (identity number, normalised first)."""
    normalised = unicodedata.normalize("NFKC", subject).strip().upper()
    return "citizen:" + hmac.new(_subject_key, normalised.encode(), hashlib.sha256).hexdigest()[:40]


def audit_actor(principal: Principal) -> str:
    """Returns what the audit log records as the actor: a pseudonym for citizens, else the subject."""
    return pseudonym(principal.sub) if principal.role is Role.CITIZEN else principal.sub


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
        "actor": audit_actor(principal),
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


class DeniedRequests:
    """Writes denied requests (401 and 403) to the audit log so that probing is visible: at most
    `per_minute` entries per client address and minute; the next entry admitted says how many were left out."""

    def __init__(self, per_minute: int = 10, max_clients: int = 10_000) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        # client -> (minute, written in it, left out since the last written)
        self._seen: dict[str, tuple[int, int, int]] = {}

    def admit(self, client: str, now: float | None = None) -> int | None:
        """Returns how many earlier denials of the client went unrecorded if this one is to be recorded,
        None if the client is over its limit this minute."""
        minute = int((time.monotonic() if now is None else now) // 60)
        seen_minute, written, left_out = self._seen.get(client, (minute, 0, 0))
        if seen_minute != minute:
            written = 0
        if written >= self.per_minute:
            self._seen[client] = (minute, written, left_out + 1)
            return None
        if len(self._seen) >= self.max_clients and client not in self._seen:
            self._seen.clear()
        self._seen[client] = (minute, written + 1, 0)
        return left_out

    async def record(
        self, session: AsyncSession, audit_log: Table, *, status: int, method: str, path: str,
        client: str | None, principal: Principal | None, left_out: int,
    ) -> None:
        """Writes one denied-request entry (in its own transaction: the request's was rolled back)."""
        details: dict[str, JsonValue] = {"status": status, "method": method}
        if left_out:
            details["denials_not_recorded"] = left_out
        await session.execute(_insert(audit_log), {
            "occurred_at": datetime.now(UTC),
            "actor": audit_actor(principal) if principal is not None else "anonymous",
            "role": principal.role.value if principal is not None else "anonymous",
            "region": principal.region if principal is not None else "",
            "action": "access.denied",
            "record_type": "request",
            "record_id": path[:64],
            "client_address": client,
            "request_id": current_request_id(),
            "details": details,
        })
