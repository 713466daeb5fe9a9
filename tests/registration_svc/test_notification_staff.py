"""Staff see notifications that failed or were dead-lettered, and retry a dead-lettered one (audited,
idempotent, scoped by region)."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.models import platform
from registration_svc.notification.models import NotificationChannel
from shared.db import Database
from tests.registration_svc.notification_support import (
    PHONE,
    StandInGateway,
    only,
    run,
    stored,
    stored_notifications,
)
from tests.support import bearer

WUJIANG, ZHENJIANG = "440203", "440204"


async def dead_letter(database: Database, region: str | None = WUJIANG) -> uuid.UUID:
    """Stores a notification and has the sender give it up (the SMS gateway refuses it)."""
    [notification_id] = await stored_notifications(database, region=region)
    await run(database, StandInGateway(behaviour="reject"))
    assert (await stored(database, notification_id)).status == "dead_letter"
    return notification_id


async def failing(database: Database, region: str = WUJIANG) -> uuid.UUID:
    """Stores a notification whose first attempt failed (tried again later)."""
    [notification_id] = await stored_notifications(database, region=region)
    await run(database, StandInGateway(behaviour="raise"))
    return notification_id


async def audit_entries(database: Database, notification_id: uuid.UUID) -> list[tuple[str, str, dict[str, object]]]:
    table = platform.audit_log
    async with database.transaction() as session:
        rows = await session.execute(
            select(table.c.action, table.c.actor, table.c.details).where(table.c.record_id == str(notification_id))
        )
        return [(action, actor, details) for action, actor, details in rows]


class TestListFailedAndDeadLettered:
    async def test_by_status_in_the_callers_region(self, client: AsyncClient, database: Database) -> None:
        dead = await dead_letter(database)
        retrying = await failing(database)
        elsewhere = await dead_letter(database, ZHENJIANG)
        headers = bearer("caseworker", WUJIANG)
        response = await client.get("/api/v1/notifications?status=dead_letter", headers=headers)
        assert response.status_code == 200
        items = {i["id"]: i for i in response.json()["items"]}
        assert str(dead) in items and str(elsewhere) not in items and str(retrying) not in items
        item = items[str(dead)]
        assert item["status"] == "dead_letter" and item["attempts"] == 1 and item["next_attempt_at"] is None
        assert item["last_error"] == "no such subscriber 138****5678" and item["dead_lettered_at"].endswith("+08:00")
        assert item["phone"] == "138****5678" and PHONE not in response.text
        failed = (await client.get("/api/v1/notifications?status=failed", headers=headers)).json()["items"]
        [retry_item] = [i for i in failed if i["id"] == str(retrying)]
        assert retry_item["last_error"] == "ConnectionError: gateway down" and retry_item["next_attempt_at"]

    async def test_a_region_inside_the_callers_narrows_one_wider_or_beside_it_is_refused(
        self, client: AsyncClient, database: Database
    ) -> None:
        wujiang, zhenjiang = await dead_letter(database), await dead_letter(database, ZHENJIANG)
        both = {str(wujiang), str(zhenjiang)}
        # The city bureau (T-REGION: 440200 is the city 4402) sees its counties.
        city = await client.get("/api/v1/notifications?status=dead_letter", headers=bearer("caseworker", "440200"))
        assert {i["id"] for i in city.json()["items"]} >= both
        narrowed = await client.get(f"/api/v1/notifications?region={ZHENJIANG}", headers=bearer("admin", "44"))
        assert str(zhenjiang) in {i["id"] for i in narrowed.json()["items"]}
        assert str(wujiang) not in {i["id"] for i in narrowed.json()["items"]}
        for region in ("44", ZHENJIANG, "620102"):
            refused = await client.get(f"/api/v1/notifications?region={region}", headers=bearer("caseworker", WUJIANG))
            assert refused.status_code == 403 and refused.json()["code"] == "auth.region_out_of_scope", region

    async def test_a_persons_notifications_by_status(self, client: AsyncClient, database: Database) -> None:
        dead = await dead_letter(database)
        person_id = (await stored(database, dead)).person_id
        path = f"/api/v1/persons/{person_id}/notifications"
        headers = bearer("reviewer", WUJIANG)
        assert [i["id"] for i in (await client.get(f"{path}?status=dead_letter", headers=headers)).json()["items"]] == [
            str(dead)
        ]
        assert (await client.get(f"{path}?status=sent", headers=headers)).json()["items"] == []
        bad = await client.get(f"{path}?status=lost", headers=headers)
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


class TestRetryDeadLetter:
    async def test_puts_it_back_in_the_queue_audited_and_the_sender_sends_it(
        self, client: AsyncClient, database: Database
    ) -> None:
        notification_id = await dead_letter(database)
        response = await client.post(
            f"/api/v1/notifications/{notification_id}/retry", headers=bearer("caseworker", WUJIANG, "cw-7")
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["attempts"], body["dead_lettered_at"]) == ("pending", 0, None)
        assert body["next_attempt_at"].endswith("+08:00") and body["last_error"] == "no such subscriber 138****5678"
        [(action, actor, details)] = await audit_entries(database, notification_id)
        assert (action, actor, details["attempts"], details["channel"]) == ("notification.retry", "cw-7", 1, "sms")
        assert details["dead_lettered_at"]

        gateway = StandInGateway()
        await run(database, gateway)
        assert only([notification_id], gateway.ids()) == [notification_id]
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error) == ("sent", 1, None)

    async def test_the_same_idempotency_key_replays_the_first_answer(
        self, client: AsyncClient, database: Database
    ) -> None:
        notification_id = await dead_letter(database)
        path = f"/api/v1/notifications/{notification_id}/retry"
        headers = {**bearer("admin", "44"), "Idempotency-Key": f"retry-{notification_id}"}
        first = await client.post(path, headers=headers)
        second = await client.post(path, headers=headers)
        assert (first.status_code, second.status_code) == (200, 200)
        assert second.json() == first.json() and second.headers.get("Idempotent-Replayed") == "true"
        assert len(await audit_entries(database, notification_id)) == 1

    async def test_only_a_dead_letter_can_be_retried(self, client: AsyncClient, database: Database) -> None:
        notification_id = await failing(database)
        response = await client.post(
            f"/api/v1/notifications/{notification_id}/retry", headers=bearer("caseworker", WUJIANG)
        )
        assert response.status_code == 409
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == "notification.not_dead_lettered" and "this one is failed" in problem["detail"]
        assert "发送失败待重试" in problem["detail_zh"]
        assert await audit_entries(database, notification_id) == []

    async def test_scoped_by_region_and_role(self, client: AsyncClient, database: Database) -> None:
        notification_id = await dead_letter(database)
        path = f"/api/v1/notifications/{notification_id}/retry"
        for role, region in (("caseworker", ZHENJIANG), ("admin", "62"), ("reviewer", WUJIANG),
                             ("citizen", WUJIANG), ("system", "44")):
            response = await client.post(path, headers=bearer(role, region))
            assert response.status_code == 403, (role, region)
            assert response.json()["code"] == "auth.forbidden" and response.json()["detail_zh"]
        unknown = await client.post(f"/api/v1/notifications/{uuid.uuid4()}/retry", headers=bearer("admin", "44"))
        assert unknown.status_code == 403
        assert (await client.post(path)).status_code == 401
        assert (await stored(database, notification_id)).status == "dead_letter"
        assert (await client.post(path, headers=bearer("caseworker", "440200"))).status_code == 200

    async def test_one_without_a_region_is_for_administrators(self, client: AsyncClient, database: Database) -> None:
        [notification_id] = await stored_notifications(
            database, region=None, phone=None, channel=NotificationChannel.LETTER
        )
        await run(database, StandInGateway(behaviour="reject"))
        path = f"/api/v1/notifications/{notification_id}/retry"
        assert (await client.post(path, headers=bearer("caseworker", "44"))).status_code == 403
        assert (await client.post(path, headers=bearer("admin", "62"))).status_code == 200
