"""First-contact endpoints: region scope, keyset pages, filters, the due explanation and completion."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from followup_svc.config import Settings
from followup_svc.models import FirstContactTask, platform
from services.followup.app import create_app
from shared.clock import Clock
from shared.db import Database
from tests.followup_svc.helpers import task_row
from tests.support import bearer, running_app, service_settings

PATH = "/api/v1/followups/first-contacts"
# The app runs on a fixed clock, so "today" is the same for the test and the service at any hour.
NOW = datetime(2026, 11, 24, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, Clock.fixed(NOW)) as c:
        yield c


async def insert(database: Database, tasks: Sequence[FirstContactTask]) -> list[FirstContactTask]:
    async with database.transaction() as session:
        session.add_all(tasks)
    return list(tasks)


def completion(contacted_on: date = TODAY, method: str = "phone") -> dict[str, str]:
    return {
        "method": method,
        "outcome": "Reached by phone; looking for warehouse work.",
        "contacted_on": contacted_on.isoformat(),
    }


class TestRead:
    async def test_task_explains_its_due_date(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(
            database,
            [task_row(region="440203001", due_on=TODAY + timedelta(days=3), registered_on=TODAY - timedelta(days=2))],
        )
        response = await client.get(f"{PATH}/{task.id}", headers=bearer("reviewer", "44"))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == str(task.id) and body["status"] == "open" and body["overdue"] is False
        assert body["due_on"] == (TODAY + timedelta(days=3)).isoformat()
        due = body["due"]
        assert (due["rule"], due["workdays"], due["source"], due["estimated"]) == (
            "FU-CONTACT",
            5,
            "national rule (test)",
            False,
        )
        assert "FU-CONTACT" in due["reason"] and "FU-CONTACT" in due["reason_zh"]

    async def test_missing_and_out_of_region_give_the_same_403(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(region="620102")])
        outside = await client.get(f"{PATH}/{task.id}", headers=bearer("caseworker", "44"))
        missing = await client.get(f"{PATH}/{uuid.uuid4()}", headers=bearer("caseworker", "44"))
        assert outside.status_code == missing.status_code == 403
        assert outside.json()["detail"] == missing.json()["detail"]
        assert outside.headers["content-type"] == "application/problem+json"

    async def test_citizen_may_not_read(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row()])
        assert (await client.get(f"{PATH}/{task.id}", headers=bearer("citizen", "440203"))).status_code == 403

    async def test_no_token_is_401(self, client: AsyncClient) -> None:
        assert (await client.get(PATH)).status_code == 401


class TestList:
    async def test_region_scope_and_keyset_pages(self, client: AsyncClient, database: Database) -> None:
        base = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
        inside = await insert(
            database, [task_row(region="440203", created_at=base + timedelta(minutes=i)) for i in range(5)]
        )
        await insert(database, [task_row(region="620102", created_at=base)])
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, str | int] = {"limit": 2, "region": "440203"}
            if cursor:
                params["cursor"] = cursor
            response = await client.get(PATH, params=params, headers=bearer("caseworker", "44"))
            assert response.status_code == 200, response.text
            body = response.json()
            seen += [item["id"] for item in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == [str(t.id) for t in inside] and pages == 3

    async def test_caller_region_is_the_default_scope(self, client: AsyncClient, database: Database) -> None:
        mine, other = await insert(database, [task_row(region="440203"), task_row(region="440204")])
        ids = {i["id"] for i in (await client.get(PATH, headers=bearer("caseworker", "440203"))).json()["items"]}
        assert str(mine.id) in ids and str(other.id) not in ids

    async def test_region_outside_scope_is_403(self, client: AsyncClient) -> None:
        response = await client.get(PATH, params={"region": "62"}, headers=bearer("caseworker", "44"))
        assert response.status_code == 403

    async def test_status_and_overdue_filters(self, client: AsyncClient, database: Database) -> None:
        late, due_today, done = await insert(
            database,
            [
                task_row(region="440205", due_on=TODAY - timedelta(days=1), registered_on=TODAY - timedelta(days=9)),
                task_row(region="440205", due_on=TODAY, registered_on=TODAY - timedelta(days=7)),
                task_row(region="440205", due_on=TODAY - timedelta(days=1), status="cancelled"),
            ],
        )
        headers = bearer("caseworker", "440205")
        overdue = (await client.get(PATH, params={"overdue": "true"}, headers=headers)).json()["items"]
        assert [i["id"] for i in overdue] == [str(late.id)] and overdue[0]["overdue"] is True
        on_time = (await client.get(PATH, params={"overdue": "false", "status": "open"}, headers=headers)).json()
        assert [i["id"] for i in on_time["items"]] == [str(due_today.id)]
        cancelled = (await client.get(PATH, params={"status": "cancelled"}, headers=headers)).json()["items"]
        assert [i["id"] for i in cancelled] == [str(done.id)]

    async def test_bad_cursor_and_limit_are_422(self, client: AsyncClient) -> None:
        headers = bearer("caseworker", "44")
        bad_cursor = await client.get(PATH, params={"cursor": "not-a-cursor"}, headers=headers)
        assert bad_cursor.status_code == 422 and bad_cursor.json()["code"] == "request.invalid_cursor"
        assert (await client.get(PATH, params={"limit": 0}, headers=headers)).status_code == 422
        assert (await client.get(PATH, params={"region": "44x"}, headers=headers)).status_code == 422


class TestCompletion:
    async def test_caseworker_completes_and_it_is_audited(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(registered_on=TODAY - timedelta(days=1))])
        response = await client.post(
            f"{PATH}/{task.id}/completion", json=completion(), headers=bearer("caseworker", "440203", sub="cw-7")
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["method"], body["completed_by"]) == ("done", "phone", "cw-7")
        assert body["contacted_on"] == TODAY.isoformat() and body["completed_at"]
        # Every datetime in a response carries the local offset, whatever the database session speaks.
        assert body["completed_at"].endswith("+08:00") and body["created_at"].endswith("+08:00")
        async with database.transaction() as session:
            audit = (
                (
                    await session.execute(
                        select(platform.audit_log).where(platform.audit_log.c.record_id == str(task.id))
                    )
                )
                .mappings()
                .all()
            )
        assert [(a["action"], a["actor"]) for a in audit] == [("first_contact.complete", "cw-7")]

    async def test_second_completion_is_409(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(registered_on=TODAY - timedelta(days=1))])
        headers = bearer("caseworker", "440203")
        assert (
            await client.post(f"{PATH}/{task.id}/completion", json=completion(), headers=headers)
        ).status_code == 200
        again = await client.post(f"{PATH}/{task.id}/completion", json=completion(method="visit"), headers=headers)
        assert again.status_code == 409
        assert again.json()["code"] == "followup.first_contact_not_open"
        assert again.json()["violations"][0]["rule"] == "FU-CONTACT"

    async def test_cancelled_task_is_409(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(status="cancelled")])
        response = await client.post(
            f"{PATH}/{task.id}/completion", json=completion(date(2026, 11, 17)), headers=bearer("caseworker", "440203")
        )
        assert response.status_code == 409

    async def test_contact_date_boundaries(self, client: AsyncClient, database: Database) -> None:
        registered_on = TODAY - timedelta(days=3)
        headers = bearer("caseworker", "440203")
        for contacted_on, status in (
            (registered_on - timedelta(days=1), 422),
            (TODAY + timedelta(days=1), 422),
            (registered_on, 200),
        ):
            (task,) = await insert(database, [task_row(registered_on=registered_on)])
            response = await client.post(f"{PATH}/{task.id}/completion", json=completion(contacted_on), headers=headers)
            assert response.status_code == status, (contacted_on, response.text)
            if status == 422:
                assert response.json()["violations"][0]["rule"] == "FU-CONTACT"
                assert response.json()["violations"][0]["field"] == "contacted_on"

    async def test_reviewer_and_other_region_are_403(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(registered_on=TODAY - timedelta(days=1))])
        url = f"{PATH}/{task.id}/completion"
        assert (await client.post(url, json=completion(), headers=bearer("reviewer", "440203"))).status_code == 403
        assert (await client.post(url, json=completion(), headers=bearer("caseworker", "620102"))).status_code == 403

    async def test_bad_method_is_422(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(registered_on=TODAY - timedelta(days=1))])
        response = await client.post(
            f"{PATH}/{task.id}/completion", json=completion(method="letter"), headers=bearer("caseworker", "440203")
        )
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == "method"

    async def test_idempotency_key_replays_the_first_response(self, client: AsyncClient, database: Database) -> None:
        (task,) = await insert(database, [task_row(registered_on=TODAY - timedelta(days=1))])
        headers = {**bearer("caseworker", "440203"), "Idempotency-Key": "fc-1"}
        first = await client.post(f"{PATH}/{task.id}/completion", json=completion(), headers=headers)
        replay = await client.post(f"{PATH}/{task.id}/completion", json=completion(), headers=headers)
        assert first.status_code == replay.status_code == 200
        assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
        other = await client.post(f"{PATH}/{task.id}/completion", json=completion(method="visit"), headers=headers)
        assert other.status_code == 409 and other.json()["code"] == "idempotency.key_reused"
