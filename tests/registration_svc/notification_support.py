"""Helpers of the notification delivery tests: stored notifications, stand-in gateways and a settable clock."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from registration_svc.notification.adapters import Delivery, DeliveryResult
from registration_svc.notification.models import Notification, NotificationChannel
from registration_svc.notification.rules import RetryPolicy
from registration_svc.notification.service import notify_person
from registration_svc.notification.tasks import SenderOptions, SendReport, send_due
from registration_svc.notification.templates import DEREGISTERED
from shared.clock import Clock
from shared.db import Database

PHONE = "13812345678"


def params(reason: str = "hired") -> dict[str, str]:
    """Returns the parameters of a deregistration notice."""
    return {"name": "张三", "reason": reason, "effective_date": "2026-11-20"}


async def stored_notifications(
    database: Database,
    count: int = 1,
    *,
    region: str | None = "440203",
    phone: str | None = PHONE,
    channel: NotificationChannel | None = None,
    address: str | None = "广东省韶关市浈江区风采路1号",
) -> list[uuid.UUID]:
    """Stores pending deregistration notices (committed, or in the test's transaction) and returns their ids."""
    async with database.transaction() as session:
        stored_ids = [
            await notify_person(
                session, person_id=uuid.uuid4(), phone=phone, template=DEREGISTERED, params=params(),
                channel=channel, agency_region_code=region, address=address,
            )
            for _ in range(count)
        ]
    assert all(stored_id is not None for stored_id in stored_ids)
    return [stored_id for stored_id in stored_ids if stored_id is not None]


async def stored(database: Database, notification_id: uuid.UUID) -> Notification:
    """Reads a notification afresh."""
    async with database.transaction() as session:
        notification = await session.get(Notification, notification_id)
    assert notification is not None
    return notification


@dataclass
class StandInGateway:
    """A channel adapter standing in for an SMS/WeChat gateway (an external system): it records what it is
    given and answers as told: `sent`, `fail` (a result), `raise`, `reject` or `hang`."""

    name: str = "stand-in"
    behaviour: str = "sent"
    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)

    async def send(self, delivery: Delivery) -> DeliveryResult:
        self.deliveries.append(delivery)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.behaviour == "raise":
            raise ConnectionError("gateway down")
        if self.behaviour == "fail":
            return DeliveryResult.failed("HTTP 503 from the gateway")
        if self.behaviour == "reject":
            return DeliveryResult.rejected(f"no such subscriber {delivery.phone}")
        if self.behaviour == "hang":
            await asyncio.sleep(3600)
        return DeliveryResult.sent(f"gw-{delivery.notification_id.hex[:8]}")

    def ids(self) -> list[uuid.UUID]:
        """Returns the ids of the notifications it was given, in order."""
        return [d.notification_id for d in self.deliveries]


def every_channel(sender: StandInGateway) -> dict[NotificationChannel, StandInGateway]:
    """Returns the same adapter for every channel."""
    return {channel: sender for channel in NotificationChannel}


class MovableClock(Clock):
    """The service clock, moved by hand by the test, so the backoff can be walked through without waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime.now(UTC) + timedelta(seconds=1)
        super().__init__(source=lambda: self.at)

    def advance(self, **delta: float) -> datetime:
        """Moves the clock forward and returns the new time."""
        self.at += timedelta(**delta)
        return self.at


def options(
    max_attempts: int = 3,
    base: timedelta = timedelta(minutes=1),
    cap: timedelta = timedelta(minutes=3),
    *,
    batch_size: int = 20,
    send_timeout: timedelta = timedelta(seconds=5),
    run_time: timedelta = timedelta(seconds=30),
) -> SenderOptions:
    """Returns sender options for a test."""
    return SenderOptions(RetryPolicy(max_attempts, base, cap), batch_size, send_timeout, run_time)


async def run(
    database: Database,
    senders: dict[NotificationChannel, StandInGateway] | StandInGateway,
    opts: SenderOptions | None = None,
    clock: Clock | None = None,
) -> SendReport:
    """Runs the sender once, on the real clock unless given one."""
    table = every_channel(senders) if isinstance(senders, StandInGateway) else senders
    return await send_due(database, table, opts or options(), SendReport(), clock=clock or Clock())


def only(ids: Sequence[uuid.UUID], deliveries: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Returns the deliveries of the given notifications (others visible to the sender are ignored)."""
    wanted = set(ids)
    return [d for d in deliveries if d in wanted]
