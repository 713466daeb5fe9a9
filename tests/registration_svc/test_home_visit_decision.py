"""A completed home visit and its pending registration (002 §三): a confirmed visit registers, others wait."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.models import platform
from shared.clock import Clock
from shared.db import Database
from tests.registration_svc.registration_support import (
    AFTER_MIDNIGHT,
    application,
    caseworker,
    id_number,
    outbox_events,
)
from tests.support import bearer

URL = "/api/v1/registrations"
VISITOR = bearer("caseworker", "440203", "cw-visit")


async def pending_with_visit(client: AsyncClient, sequence: int) -> dict[str, Any]:
    """Applies online with no reference data loaded: pending, with an open home-visit task."""
    body = application(id_number(date(1988, 8, 8), sequence=sequence), channel="online")
    created = await client.post(URL, json=body, headers=caseworker())
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    assert data["status"] == "pending_verification"
    assert data["verification"]["state"] == "home_visit" and data["verification"]["home_visit_task_id"]
    return data


async def complete(client: AsyncClient, task_id: str, **body: Any) -> None:
    visit = {"outcome": "confirmed", "visited_on": "2026-11-20", "note": "在家，确认无业", **body}
    response = await client.post(f"/api/v1/home-visit-tasks/{task_id}/completion", json=visit, headers=VISITOR)
    assert response.status_code == 200, response.text


async def registration(client: AsyncClient, registration_id: str) -> dict[str, Any]:
    response = await client.get(f"{URL}/{registration_id}", headers=caseworker())
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def visit_findings(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["outcome"]) for f in data["verification"]["findings"] if f["source"] == "home_visit"]


class TestHomeVisitCompletesTheRegistration:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(AFTER_MIDNIGHT)

    async def test_a_confirmed_visit_registers_and_emits_the_event(
        self, client: AsyncClient, database: Database
    ) -> None:
        pending = await pending_with_visit(client, 301)
        await complete(client, pending["verification"]["home_visit_task_id"])
        data = await registration(client, pending["id"])
        assert data["status"] == "registered" and data["decided_by"] == "cw-visit"
        assert data["registered_on"] == AFTER_MIDNIGHT.date().isoformat()
        assert data["verification"]["state"] == "confirmed"
        assert visit_findings(data) == [
            ("REG-UNEMPLOYED", "confirmed"), ("REG-ABLE", "confirmed"), ("REG-WILLING", "confirmed")
        ]
        assert await outbox_events(database, pending["id"]) == ["registration.created"]
        log = platform.audit_log
        async with database.transaction() as session:
            entries = (await session.execute(
                select(log.c.action, log.c.actor, log.c.details).where(log.c.record_id == pending["id"])
            )).all()
        assert [(a, actor, d["status"]) for a, actor, d in entries if a == "registration.home_visit"] == [
            ("registration.home_visit", "cw-visit", "registered")
        ]

    async def test_a_contradicted_visit_leaves_it_pending_for_a_decision(
        self, client: AsyncClient, database: Database
    ) -> None:
        pending = await pending_with_visit(client, 302)
        await complete(client, pending["verification"]["home_visit_task_id"], outcome="contradicted",
                       rules=["REG-UNEMPLOYED"], note="在单位上班")
        data = await registration(client, pending["id"])
        assert data["status"] == "pending_verification" and data["decided_by"] is None
        assert data["verification"]["state"] == "contradicted"
        assert visit_findings(data) == [("REG-UNEMPLOYED", "contradicted")]
        assert await outbox_events(database, pending["id"]) == []

    async def test_an_unreachable_person_leaves_it_pending_unconfirmed(self, client: AsyncClient) -> None:
        pending = await pending_with_visit(client, 303)
        await complete(client, pending["verification"]["home_visit_task_id"], outcome="unreachable",
                       note="三次上门无人")
        data = await registration(client, pending["id"])
        assert data["status"] == "pending_verification"
        assert data["verification"]["state"] == "unconfirmed"
        assert visit_findings(data) == [("REG-UNEMPLOYED", "unknown")]

    async def test_a_registration_decided_before_the_visit_stays_as_decided(
        self, client: AsyncClient, database: Database
    ) -> None:
        pending = await pending_with_visit(client, 304)
        rejected = await client.post(f"{URL}/{pending['id']}/decision",
                                     json={"approve": False, "reason": "employed"}, headers=caseworker())
        assert rejected.status_code == 200
        await complete(client, pending["verification"]["home_visit_task_id"])
        data = await registration(client, pending["id"])
        assert data["status"] == "rejected" and data["decision_reason"] == "employed"
        assert visit_findings(data) == []
        assert await outbox_events(database, pending["id"]) == []
