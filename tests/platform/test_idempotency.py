"""Idempotency-Key: the same key and body replay the first response; another body is 409; the work runs once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter, Request
from httpx import AsyncClient
from pydantic import BaseModel
from sqlalchemy import delete, func, select

from followup_svc.models import platform
from shared import outbox
from shared.auth import PrincipalDep
from shared.db import Database, SessionDep
from shared.errors import ProblemError
from shared.idempotency import Idempotent
from tests.platform.throwaway import platform_settings, throwaway_app
from tests.support import bearer

OUTBOX = platform.outbox
EVENT = "test.idempotency"


class Order(BaseModel):
    marker: str
    amount_fen: int


router = APIRouter()


@router.post("/orders", status_code=201, dependencies=[Idempotent])
async def create_order(body: Order, request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, str]:
    # The side effect whose count the tests check: one outbox row per executed request.
    event_id = await outbox.emit(session, OUTBOX, EVENT, body)
    await asyncio.sleep(float(request.headers.get("x-delay", "0")))
    if body.amount_fen < 0:
        raise ProblemError(422, "test.negative", "Negative", "negative amount", "金额为负")
    return {"event_id": str(event_id), "marker": body.marker, "by": principal.sub}


async def executed(database: Database, marker: str) -> int:
    async with database.transaction() as session:
        stmt = select(func.count()).where(OUTBOX.c.event_type == EVENT, OUTBOX.c.payload["marker"].astext == marker)
        return int((await session.execute(stmt)).scalar_one())


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    async with throwaway_app([router], platform_settings(database_url, redis_url, queue_prefix), database) as c:
        yield c


def key_headers(key: str, sub: str = "clerk") -> dict[str, str]:
    return {**bearer("caseworker", "440203", sub), "Idempotency-Key": key}


class TestReplay:
    async def test_same_key_and_body_returns_the_first_response_once(
        self, client: AsyncClient, database: Database
    ) -> None:
        body = {"marker": "m1", "amount_fen": 500}
        first = await client.post("/api/v1/orders", json=body, headers=key_headers("k-1"))
        second = await client.post("/api/v1/orders", json=body, headers=key_headers("k-1"))
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
        assert await executed(database, "m1") == 1

    async def test_same_json_in_another_key_order_is_the_same_request(
        self, client: AsyncClient, database: Database
    ) -> None:
        first = await client.post(
            "/api/v1/orders",
            content=b'{"marker": "m2", "amount_fen": 1}',
            headers={**key_headers("k-2"), "content-type": "application/json"},
        )
        second = await client.post(
            "/api/v1/orders",
            content=b'{"amount_fen":1,"marker":"m2"}',
            headers={**key_headers("k-2"), "content-type": "application/json"},
        )
        assert second.json() == first.json() and await executed(database, "m2") == 1

    async def test_same_key_with_another_body_is_409(self, client: AsyncClient, database: Database) -> None:
        await client.post("/api/v1/orders", json={"marker": "m3", "amount_fen": 1}, headers=key_headers("k-3"))
        other = await client.post("/api/v1/orders", json={"marker": "m3", "amount_fen": 2}, headers=key_headers("k-3"))
        assert other.status_code == 409
        assert other.json()["code"] == "idempotency.key_reused"
        assert other.json()["violations"][0]["rule"] == "IDEMPOTENCY-KEY"
        assert await executed(database, "m3") == 1


class TestScope:
    async def test_without_a_key_every_request_runs(self, client: AsyncClient, database: Database) -> None:
        for _ in range(2):
            response = await client.post(
                "/api/v1/orders", json={"marker": "m4", "amount_fen": 1}, headers=bearer("caseworker", "440203")
            )
            assert response.status_code == 201
        assert await executed(database, "m4") == 2

    async def test_keys_belong_to_their_caller(self, client: AsyncClient, database: Database) -> None:
        body = {"marker": "m5", "amount_fen": 1}
        a = await client.post("/api/v1/orders", json=body, headers=key_headers("shared-key", sub="a"))
        b = await client.post("/api/v1/orders", json=body, headers=key_headers("shared-key", sub="b"))
        assert (a.json()["by"], b.json()["by"]) == ("a", "b") and await executed(database, "m5") == 2

    async def test_key_length_limits(self, client: AsyncClient) -> None:
        body = {"marker": "m6", "amount_fen": 1}
        ok = await client.post("/api/v1/orders", json=body, headers=key_headers("k" * 200))
        assert ok.status_code == 201
        too_long = await client.post("/api/v1/orders", json=body, headers=key_headers("k" * 201))
        assert too_long.status_code == 422 and too_long.json()["code"] == "request.invalid_idempotency_key"
        empty = await client.post("/api/v1/orders", json=body, headers=key_headers(""))
        assert empty.status_code == 422


@router.post("/acknowledgements", status_code=204, dependencies=[Idempotent])
async def acknowledge(session: SessionDep) -> None:
    await outbox.emit(session, OUTBOX, EVENT, Order(marker="ack", amount_fen=0))


class TestBodilessResponses:
    async def test_a_204_is_remembered_and_replayed_without_a_body(
        self, client: AsyncClient, database: Database
    ) -> None:
        first = await client.post("/api/v1/acknowledgements", headers=key_headers("k-ack"))
        again = await client.post("/api/v1/acknowledgements", headers=key_headers("k-ack"))
        assert first.status_code == 204 and again.status_code == 204
        assert again.headers["idempotent-replayed"] == "true" and again.content == b""
        assert await executed(database, "ack") == 1


class TestFailedRequests:
    async def test_a_failed_request_keeps_nothing_and_its_retry_runs_again(
        self, client: AsyncClient, database: Database
    ) -> None:
        body = {"marker": "m7", "amount_fen": -1}
        for _ in range(2):
            failed = await client.post("/api/v1/orders", json=body, headers=key_headers("k-7"))
            assert failed.status_code == 422 and "idempotent-replayed" not in failed.headers
        assert await executed(database, "m7") == 0
        fixed = await client.post("/api/v1/orders", json={**body, "amount_fen": 1}, headers=key_headers("k-7"))
        assert fixed.status_code == 201 and await executed(database, "m7") == 1


class TestConcurrentRetries:
    async def test_parallel_requests_with_one_key_run_once(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        committing = Database.from_url(database_url, pool_size=4, max_overflow=0)
        marker = f"m-{uuid.uuid4().hex[:8]}"
        body = {"marker": marker, "amount_fen": 1}
        headers = {**key_headers(f"k-{marker}"), "x-delay": "0.3"}
        try:
            async with throwaway_app(
                [router], platform_settings(database_url, redis_url, queue_prefix), committing
            ) as client:
                responses = await asyncio.gather(
                    *(client.post("/api/v1/orders", json=body, headers=headers) for _ in range(3))
                )
            assert [r.status_code for r in responses] == [201, 201, 201]
            assert len({r.json()["event_id"] for r in responses}) == 1
            assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 2
            assert await executed(committing, marker) == 1
        finally:
            async with committing.transaction() as session:
                await session.execute(delete(OUTBOX).where(OUTBOX.c.payload["marker"].astext == marker))
                await session.execute(
                    delete(platform.idempotency_key).where(platform.idempotency_key.c.key == f"k-{marker}")
                )
            await committing.dispose()
