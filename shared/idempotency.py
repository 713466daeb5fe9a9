"""Idempotency-Key handling for POSTs that clients may retry (api.md "Writes").

One dependency does it for every endpoint: `dependencies=[Idempotent]` on the route claims the key in
the request's transaction (or replays the first response), and `IdempotentRoute`, the route class of
every service app, stores the response in that same transaction before it commits. An endpoint
therefore only returns its result; a failed request stores nothing, so its retry runs again. Only
endpoints that answer JSON take the dependency.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import JsonValue
from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import PrincipalDep
from shared.db import SessionDep
from shared.errors import ProblemError, Violation, conflict

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
_STATE_KEY = "idempotency_claim"


def _canonical_hash(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


class IdempotentReplay(Exception):
    """Raised by the dependency when the key was used before: the app answers with the first response."""

    def __init__(self, status_code: int, body: JsonValue) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body

    def response(self) -> Response:
        """Returns the first response again, marked as replayed (without a body if it had none)."""
        headers = {"Idempotent-Replayed": "true"}
        if self.body is None:
            return Response(status_code=self.status_code, headers=headers)
        return JSONResponse(self.body, status_code=self.status_code, headers=headers)


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """A key claimed in the request's transaction, waiting for the response to store."""

    session: AsyncSession
    table: Table
    scope: str
    key: str

    async def remember(self, status_code: int, body: JsonValue) -> None:
        """Stores the response in the same transaction as the change it describes."""
        await self.session.execute(
            update(self.table)
            .where(self.table.c.scope == self.scope, self.table.c.key == self.key)
            .values(status_code=status_code, response_body=body)
        )


def _invalid_key() -> ProblemError:
    return ProblemError(
        422, "request.invalid_idempotency_key", "Invalid Idempotency-Key",
        f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
        f"请求头“Idempotency-Key”长度须为1至{MAX_KEY_LENGTH}个字符。",
        [Violation("IDEMPOTENCY-KEY", HEADER, "invalid length", "长度无效")],
    )


def _key_reused() -> ProblemError:
    return conflict(
        "idempotency.key_reused",
        "This Idempotency-Key was already used with a different request body.",
        "该幂等键（请求头“Idempotency-Key”）已用于另一个不同内容的请求。",
        [Violation("IDEMPOTENCY-KEY", HEADER, "key reused with another body", "幂等键已被其他请求使用")],
    )


async def claim_idempotency_key(request: Request, principal: PrincipalDep, session: SessionDep) -> None:
    """Claims the request's Idempotency-Key in its transaction, or raises the replay of the first response.

    A concurrent request with the same key blocks on the claim until the first one commits, then replays
    it; a key whose first request failed was rolled back with it and is free again.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise _invalid_key()
    table: Table = request.app.state.platform.idempotency_key
    scope = f"{principal.sub}|{request.method} {request.url.path}"
    request_hash = _canonical_hash(await request.body())
    claimed = (
        await session.execute(
            pg_insert(table)
            .values(scope=scope, key=key, request_hash=request_hash)
            .on_conflict_do_nothing()
            .returning(table.c.key)
        )
    ).first()
    if claimed is None:
        stored = (
            await session.execute(
                select(table.c.request_hash, table.c.status_code, table.c.response_body).where(
                    table.c.scope == scope, table.c.key == key
                )
            )
        ).one()
        if stored.request_hash != request_hash:
            raise _key_reused()
        raise IdempotentReplay(int(stored.status_code), stored.response_body)
    setattr(request.state, _STATE_KEY, IdempotencyClaim(session, table, scope, key))


# Put on a route: `@router.post(..., dependencies=[Idempotent])`.
Idempotent = Depends(claim_idempotency_key)


def _json_body(response: Response) -> JsonValue:
    body = getattr(response, "body", b"")
    try:
        parsed: JsonValue = json.loads(bytes(body)) if body else None
    except ValueError:
        return None
    return parsed


class IdempotentRoute(APIRoute):
    """A route that stores a successful JSON response under the request's claimed key before the commit.

    FastAPI runs the handler, serialization included, inside the request's function-scoped dependencies,
    so the session the key was claimed in is still open here and commits right after.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            response = await handler(request)
            claim: IdempotencyClaim | None = getattr(request.state, _STATE_KEY, None)
            # Whatever the endpoint returned commits with the claim, so it is what a retry gets back (an
            # empty or non-JSON body is replayed as null with its status).
            if claim is not None:
                await claim.remember(response.status_code, _json_body(response))
            return response

        return handle
