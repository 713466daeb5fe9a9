"""problem+json for every error: 404, 405, FastAPI's 422 (malformed JSON too), DataError 422, conflicts, 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from fastapi import APIRouter, Query, Request
from httpx import AsyncClient, Response
from pydantic import BaseModel, Field
from sqlalchemy import insert, text

from followup_svc.models import Deregistration
from shared.db import Database, SessionDep
from shared.errors import ProblemError, RuleFailed, StateConflict, Violation
from tests.platform.throwaway import platform_settings, throwaway_app

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "detail_zh", "instance"}


class Closure(BaseModel):
    reason: str
    effective_date: date
    count: int = Field(ge=0)


router = APIRouter()


@router.post("/closures/{registration_id}")
async def store_closure(registration_id: str, body: Closure, session: SessionDep) -> dict[str, str]:
    # No length check on purpose: the column is VARCHAR(32), so a long reason reaches PostgreSQL.
    await session.execute(
        insert(Deregistration).values(
            registration_id=registration_id, reason=body.reason, effective_date=body.effective_date
        )
    )
    return {"stored": registration_id}


@router.get("/search")
async def search(limit: int = Query(ge=1, le=10)) -> dict[str, int]:
    return {"limit": limit}


@router.get("/smallint")
async def smallint(value: int, session: SessionDep) -> dict[str, int]:
    stored: int = (
        await session.execute(text("SELECT CAST(CAST(:v AS integer) AS smallint)"), {"v": value})
    ).scalar_one()
    return {"value": int(stored)}


@router.get("/rule-failure")
async def rule_failure() -> None:
    raise ProblemError(
        422,
        "demo.ineligible",
        "Ineligible",
        "REG-AGE failed.",
        "REG-AGE 不满足。",
        [Violation("REG-AGE", "person.birth_date", "under 16 on 2026-11-22", "2026-11-22 未满16周岁")],
    )


@router.get("/database/{case}")
async def database_case(case: str, request: Request, session: SessionDep) -> None:
    if case == "missing-table":
        await session.execute(text("SELECT * FROM no_such_table"))
    elif case == "deadlock":
        await session.execute(text("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$"))


@router.get("/database-lost")
async def database_lost(request: Request) -> None:
    # A connection of its own, so killing it leaves the test's transaction alone.
    own = Database.from_url(request.app.state.settings.database_url, pool_size=1)
    try:
        async with own.transaction() as session:
            await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    finally:
        await own.dispose()


@router.get("/database-refused")
async def database_refused() -> None:
    refused = Database.from_url("postgresql+asyncpg://nobody@127.0.0.1:1/none", pool_size=1)
    try:
        async with refused.transaction() as session:
            await session.execute(text("SELECT 1"))
    finally:
        await refused.dispose()


class ApplicationClosed(StateConflict):
    code = "demo.closed"
    title = "Application closed"


class FormRejected(RuleFailed):
    code = "demo.rejected"
    title = "Rejected"


@router.get("/domain/{case}")
async def domain_case(case: str) -> None:
    if case == "conflict":
        raise ApplicationClosed("The application is closed.", "申请已关闭。")
    raise FormRejected("REG-AGE failed.", "REG-AGE 不满足。", [Violation("REG-AGE", "age", "under 16", "未满16周岁")])


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    async with throwaway_app([router], platform_settings(database_url, redis_url, queue_prefix), database) as c:
        yield c


def problem(response: Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"https://jiuye.example.org/problems/{code}"
    if status < 500:
        assert body["request_id"] == response.headers["x-request-id"]
    return body


GOOD = {"reason": "hired", "effective_date": "2026-11-20", "count": 1}
REG_ID = "00000000-0000-4000-8000-000000000001"


class TestNotFoundAndMethod:
    async def test_unknown_path_is_404(self, client: AsyncClient) -> None:
        body = problem(await client.get("/api/v1/nowhere"), 404, "resource.not_found")
        assert body["instance"] == "/api/v1/nowhere" and body["detail_zh"]

    async def test_wrong_method_is_405_with_allow(self, client: AsyncClient) -> None:
        response = await client.get(f"/api/v1/closures/{REG_ID}")
        problem(response, 405, "request.method_not_allowed")
        assert response.headers["allow"] == "POST"


class TestValidation:
    async def test_missing_and_wrong_fields(self, client: AsyncClient) -> None:
        response = await client.post(
            f"/api/v1/closures/{REG_ID}", json={"reason": "hired", "count": -1, "effective_date": "tomorrow"}
        )
        body = problem(response, 422, "request.invalid")
        fields = {v["field"] for v in body["violations"]}  # type: ignore[attr-defined]
        assert fields == {"effective_date", "count"}
        for violation in body["violations"]:  # type: ignore[attr-defined]
            assert violation["rule"].startswith("SCHEMA-") and violation["message"] and violation["message_zh"]

    async def test_malformed_json_body(self, client: AsyncClient) -> None:
        response = await client.post(
            f"/api/v1/closures/{REG_ID}", content=b'{"reason": "hired",', headers={"content-type": "application/json"}
        )
        body = problem(response, 422, "request.invalid")
        assert body["violations"][0]["rule"] == "SCHEMA-JSON-INVALID"  # type: ignore[index]

    async def test_bad_query_parameter(self, client: AsyncClient) -> None:
        body = problem(await client.get("/api/v1/search", params={"limit": 11}), 422, "request.invalid")
        assert body["violations"][0]["field"] == "limit"  # type: ignore[index]
        assert (await client.get("/api/v1/search", params={"limit": 10})).status_code == 200

    async def test_rule_failure_keeps_its_violations(self, client: AsyncClient) -> None:
        body = problem(await client.get("/api/v1/rule-failure"), 422, "demo.ineligible")
        assert body["violations"] == [
            {
                "rule": "REG-AGE",
                "field": "person.birth_date",
                "message": "under 16 on 2026-11-22",
                "message_zh": "2026-11-22 未满16周岁",
            }
        ]


class TestDatabaseErrors:
    async def test_value_too_long_for_its_column_is_422_not_500(self, client: AsyncClient) -> None:
        response = await client.post(f"/api/v1/closures/{REG_ID}", json={**GOOD, "reason": "x" * 33})
        body = problem(response, 422, "request.invalid_value")
        assert "x" * 33 not in str(body)
        assert (await client.post(f"/api/v1/closures/{REG_ID}", json={**GOOD, "reason": "x" * 32})).status_code == 200

    async def test_duplicate_key_is_409(self, client: AsyncClient) -> None:
        assert (await client.post(f"/api/v1/closures/{REG_ID}", json=GOOD)).status_code == 200
        problem(await client.post(f"/api/v1/closures/{REG_ID}", json=GOOD), 409, "resource.conflict")

    async def test_invalid_uuid_reaching_the_database_is_422(self, client: AsyncClient) -> None:
        problem(await client.post("/api/v1/closures/not-a-uuid", json=GOOD), 422, "request.invalid_value")

    async def test_number_out_of_range_is_422(self, client: AsyncClient, database: Database) -> None:
        response = await client.get("/api/v1/smallint", params={"value": 40000})
        problem(response, 422, "request.invalid_value")
        assert (await client.get("/api/v1/smallint", params={"value": 32767})).json() == {"value": 32767}


class TestDatabaseErrorsSayTheTruth:
    async def test_a_programming_error_is_a_500_with_its_request_id_not_a_retry(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/database/missing-table", headers={"X-Request-ID": "req-sql-1"})
        body = problem(response, 500, "internal.error")
        assert body["request_id"] == "req-sql-1" and "retry-after" not in response.headers
        assert "no_such_table" not in str(body)

    async def test_a_lost_serialization_race_is_a_409_to_retry(self, client: AsyncClient) -> None:
        problem(await client.get("/api/v1/database/deadlock"), 409, "resource.concurrent_update")

    async def test_a_lost_connection_is_503(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/database-lost")
        problem(response, 503, "service.unavailable")
        assert response.headers["retry-after"] == "5"

    async def test_a_refused_connection_is_503(self, client: AsyncClient) -> None:
        problem(await client.get("/api/v1/database-refused"), 503, "service.unavailable")


class TestDomainErrors:
    async def test_each_kind_maps_to_its_status_with_the_domains_code(self, client: AsyncClient) -> None:
        closed = problem(await client.get("/api/v1/domain/conflict"), 409, "demo.closed")
        assert closed["title"] == "Application closed" and closed["detail_zh"] == "申请已关闭。"
        rejected = problem(await client.get("/api/v1/domain/rule"), 422, "demo.rejected")
        assert rejected["violations"] == [
            {"rule": "REG-AGE", "field": "age", "message": "under 16", "message_zh": "未满16周岁"}
        ]


class TestUnexpected:
    async def test_unhandled_error_is_500_without_internals(self, client: AsyncClient) -> None:
        body = problem(await client.get("/api/v1/boom"), 500, "internal.error")
        assert "secret internals" not in str(body)

    async def test_unhandled_error_carries_the_request_id_it_asks_users_to_quote(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/boom", headers={"X-Request-ID": "req-boom-1"})
        assert response.status_code == 500
        assert response.json()["request_id"] == "req-boom-1"
        assert response.headers["x-request-id"] == "req-boom-1"
