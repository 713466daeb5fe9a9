"""followup.deregistration_requested: the registration service deregisters once, as its endpoint would."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.config import Settings
from registration_svc.deregistration.tasks import deregistration_request_handler
from registration_svc.models import platform
from registration_svc.notification.models import Notification
from registration_svc.registration.models import Registration
from services.registration.worker import event_handlers
from shared.calendar_store import CalendarHolder
from shared.clock import Clock
from shared.db import Database
from shared.events import SUBSCRIPTIONS, EventEnvelope, EventType, FollowupDeregistrationRequested
from shared.outbox import consume_event
from shared.policy import default_registry
from shared.worker import WorkerContext
from tests.registration_svc.registration_support import (
    AFTER_MIDNIGHT,
    application,
    caseworker,
    client,
    id_number,
    outbox_events,
)

__all__ = ["client"]

URL = "/api/v1/registrations"
APPLIED_ON = date(2026, 11, 2)
HANDLERS = {
    EventType.FOLLOWUP_DEREGISTRATION_REQUESTED: deregistration_request_handler(
        default_registry(), Clock.fixed(AFTER_MIDNIGHT)
    )
}


async def _registered(client: AsyncClient, *, channel: str = "window") -> str:
    body = application(
        id_number(date(1990, 5, 1)), applied_at=f"{APPLIED_ON}T09:00:00+08:00", channel=channel
    )
    response = await client.post(URL, json=body, headers=caseworker())
    assert response.status_code == 201, response.text
    registration_id: str = response.json()["id"]
    return registration_id


def _event(registration_id: str, event_id: uuid.UUID | None = None, **payload: Any) -> dict[str, object]:
    request = FollowupDeregistrationRequested(
        registration_id=uuid.UUID(registration_id),
        reason=payload.pop("reason", "hired"),
        effective_date=payload.pop("effective_date", date(2026, 11, 10)),
        requested_by="cw-followup-7",
        evidence={"rule": "FU-OUTCOME", "contact_id": "c-1"},
        **payload,
    )
    return EventEnvelope(
        id=event_id or uuid.uuid4(), type=EventType.FOLLOWUP_DEREGISTRATION_REQUESTED, source="followup",
        occurred_at=AFTER_MIDNIGHT, payload=request.model_dump(mode="json"),
    ).model_dump(mode="json")


async def _handle(database: Database, body: dict[str, object]) -> bool:
    return await consume_event(database, platform.processed_event, body, HANDLERS)


async def _registration(database: Database, registration_id: str) -> Registration:
    async with database.transaction() as session:
        registration = await session.get(Registration, uuid.UUID(registration_id))
    assert registration is not None
    return registration


async def _audit_actors(database: Database, registration_id: str) -> list[tuple[str, str, object]]:
    table = platform.audit_log
    async with database.transaction() as session:
        rows = await session.execute(
            select(table.c.actor, table.c.action, table.c.details)
            .where(table.c.record_id == registration_id, table.c.action == "registration.deregister")
        )
        return [(r.actor, r.action, r.details) for r in rows]


class TestCarriedOut:
    async def test_deregisters_as_the_endpoint_would_with_the_caseworker_as_actor(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await _registered(client)
        assert await _handle(database, _event(registration_id)) is True
        registration = await _registration(database, registration_id)
        assert (registration.status, registration.deregistration_reason) == ("deregistered", "hired")
        assert registration.deregistration_effective_date == date(2026, 11, 10)
        assert registration.deregistered_by == "cw-followup-7"
        # DEREG-NOTIFY: a hired person is told.
        assert registration.notify_person is True and registration.notification_id is not None
        async with database.transaction() as session:
            assert await session.get(Notification, registration.notification_id) is not None
        assert await outbox_events(database, registration_id) == [
            "registration.created", "registration.deregistered"
        ]
        [(actor, _, details)] = await _audit_actors(database, registration_id)
        assert actor == "cw-followup-7"
        assert isinstance(details, dict) and details["requested_by_followup"] == {
            "rule": "FU-OUTCOME", "contact_id": "c-1"
        }

    async def test_a_redelivered_event_changes_nothing(self, client: AsyncClient, database: Database) -> None:
        registration_id = await _registered(client)
        body = _event(registration_id, event_id=uuid.uuid4())
        assert await _handle(database, body) is True
        assert await _handle(database, body) is False
        assert len(await _audit_actors(database, registration_id)) == 1

    async def test_a_second_request_leaves_a_deregistered_registration_as_it_is(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await _registered(client)
        await _handle(database, _event(registration_id))
        assert await _handle(database, _event(registration_id, reason="unreachable")) is True
        registration = await _registration(database, registration_id)
        assert registration.deregistration_reason == "hired"
        assert len(await _audit_actors(database, registration_id)) == 1


class TestLeftAlone:
    async def test_a_pending_registration_is_not_deregistered(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await _registered(client, channel="online")
        assert (await _registration(database, registration_id)).status == "pending_verification"
        assert await _handle(database, _event(registration_id)) is True
        assert (await _registration(database, registration_id)).status == "pending_verification"

    async def test_a_stable_income_below_the_minimum_is_refused_by_dereg_income(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await _registered(client)
        event = _event(registration_id, reason="stable_income", monthly_income_fen=1)
        assert await _handle(database, event) is True
        registration = await _registration(database, registration_id)
        assert registration.status == "registered" and registration.deregistration_reason is None
        assert await _audit_actors(database, registration_id) == []

    async def test_an_unknown_registration_is_logged_not_retried(self, database: Database) -> None:
        assert await _handle(database, _event(str(uuid.uuid4()))) is True


class TestSubscription:
    def test_the_registration_service_subscribes_and_its_worker_handles_it(self, database: Database) -> None:
        assert SUBSCRIPTIONS[EventType.FOLLOWUP_DEREGISTRATION_REQUESTED] == ("registration",)
        # The handlers only need the policy packs and the clock of the worker's context.
        wc = WorkerContext(
            "registration", Settings(), platform, database, None, default_registry(),  # type: ignore[arg-type]
            CalendarHolder(), None, Clock(),  # type: ignore[arg-type]
        )
        assert EventType.FOLLOWUP_DEREGISTRATION_REQUESTED in event_handlers(wc)
