"""Idempotency-Key handling for POSTs that clients may retry (api.md "Writes")."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import JsonValue
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import PrincipalDep
from shared.db import DriverConnection, DriverStatement
from shared.errors import ProblemError, Violation, conflict

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _canonical_hash(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True, slots=True)
class _DriverStatements:
    claim: DriverStatement
    stored: DriverStatement
    remember: DriverStatement


@cache
def _driver_statements(table: Table) -> _DriverStatements:
    where = (table.c.scope == bindparam("w_scope"), table.c.key == bindparam("w_key"))
    return _DriverStatements(
        claim=DriverStatement(
            pg_insert(table).on_conflict_do_nothing().returning(table.c.key), ("scope", "key", "request_hash")
        ),
        stored=DriverStatement(
            select(table.c.request_hash, table.c.status_code, table.c.response_body).where(*where)
        ),
        remember=DriverStatement(
            update(table).where(*where).values(
                status_code=bindparam("status_code"), response_body=bindparam("response_body")
            )
        ),
    )


class Idempotency:
    """The idempotency state of one request: claim the key, replay a stored response, or store ours."""

    def __init__(self, table: Table, scope: str, key: str | None, request_hash: str) -> None:
        self.table = table
        self.scope = scope
        self.key = key
        self.request_hash = request_hash

    async def replay(self, session: AsyncSession) -> JSONResponse | None:
        """Claims the key in this transaction; returns the first response if the key was used before."""
        if self.key is None:
            return None
        # A concurrent request with the same key blocks on this insert until the first one commits.
        claimed = (
            await session.execute(
                pg_insert(self.table)
                .values(scope=self.scope, key=self.key, request_hash=self.request_hash)
                .on_conflict_do_nothing()
                .returning(self.table.c.key)
            )
        ).first()
        if claimed is not None:
            return None
        row = (
            await session.execute(
                select(self.table.c.request_hash, self.table.c.status_code, self.table.c.response_body).where(
                    self.table.c.scope == self.scope, self.table.c.key == self.key
                )
            )
        ).one()
        return self._replayed(row)

    async def replay_on(self, connection: DriverConnection) -> JSONResponse | None:
        """`replay` in a driver transaction (`Database.writer()`)."""
        if self.key is None:
            return None
        statements = _driver_statements(self.table)
        claimed = await statements.claim.fetchrow(
            connection, {"scope": self.scope, "key": self.key, "request_hash": self.request_hash}
        )
        if claimed is not None:
            return None
        row = await statements.stored.fetchrow(connection, {"w_scope": self.scope, "w_key": self.key})
        assert row is not None, "the conflicting key is visible once its first request has committed"
        return self._replayed(row)

    def _replayed(self, row: Sequence[Any]) -> JSONResponse:
        request_hash, status_code, response_body = row
        if request_hash != self.request_hash:
            raise conflict(
                "idempotency.key_reused",
                "This Idempotency-Key was already used with a different request body.",
                "该 Idempotency-Key 已用于另一个不同内容的请求。",
                [Violation("IDEMPOTENCY-KEY", HEADER, "key reused with another body", "幂等键已被其他请求使用")],
            )
        return JSONResponse(response_body, status_code=status_code, headers={"Idempotent-Replayed": "true"})

    async def remember(self, session: AsyncSession, status_code: int, body: JsonValue) -> None:
        """Stores the response in the same transaction as the change it describes."""
        if self.key is None:
            return
        await session.execute(
            update(self.table)
            .where(self.table.c.scope == self.scope, self.table.c.key == self.key)
            .values(status_code=status_code, response_body=body)
        )

    async def remember_on(self, connection: DriverConnection, status_code: int, body: JsonValue) -> None:
        """`remember` in a driver transaction (`Database.writer()`)."""
        if self.key is None:
            return
        await _driver_statements(self.table).remember.execute(
            connection,
            {"w_scope": self.scope, "w_key": self.key, "status_code": status_code, "response_body": body},
        )


async def _idempotency(request: Request, principal: PrincipalDep) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise ProblemError(
            422, "request.invalid_idempotency_key", "Invalid Idempotency-Key",
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            f"Idempotency-Key 长度须为 1 至 {MAX_KEY_LENGTH} 个字符。",
            [Violation("IDEMPOTENCY-KEY", HEADER, "invalid length", "长度无效")],
        )
    table: Table = request.app.state.platform.idempotency_key
    scope = f"{principal.sub}|{request.method} {request.url.path}"
    # Without a key nothing is claimed or compared, so the body need not be hashed.
    request_hash = _canonical_hash(await request.body()) if key is not None else ""
    return Idempotency(table, scope, key, request_hash)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
