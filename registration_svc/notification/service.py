"""Notifies persons (DEREG-NOTIFY): stores the message for the sender job (tasks.py) and logs it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification import repository
from registration_svc.notification.models import Channel, Notification, NotificationStatus
from registration_svc.notification.templates import Message, render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingNotification:
    """A notification to deliver, already checked against its template."""

    person_id: uuid.UUID
    agency_region_code: str | None
    phone: str | None
    channel: Channel
    template: str
    params: dict[str, str]
    message: Message


class Notifier(Protocol):
    """Takes a notification for delivery and returns its id."""

    async def notify(self, session: AsyncSession, outgoing: OutgoingNotification) -> uuid.UUID:
        """Accepts one notification in the caller's transaction."""
        ...


class StoringNotifier:
    """Stores the notification as pending (a channel sender delivers it after the commit) and logs it."""

    async def notify(self, session: AsyncSession, outgoing: OutgoingNotification) -> uuid.UUID:
        """Stores one pending notification, due at once."""
        now = datetime.now(UTC)
        notification = Notification(
            id=uuid.uuid4(), person_id=outgoing.person_id, agency_region_code=outgoing.agency_region_code,
            phone=outgoing.phone, channel=outgoing.channel.value, template=outgoing.template,
            params=outgoing.params, status=NotificationStatus.PENDING.value, created_at=now, attempts=0,
            next_attempt_at=now,
        )
        await repository.add(session, notification)
        # The phone number stays out of the logs.
        logger.info("notification stored", extra={
            "notification_id": str(notification.id), "person_id": str(outgoing.person_id),
            "template": outgoing.template, "channel": outgoing.channel.value,
        })
        return notification.id


def default_notifier() -> Notifier:
    """Returns the configured notifier (storing; senders deliver per channel)."""
    return StoringNotifier()


def clean_phone(phone: str | None) -> str | None:
    """Returns the phone number trimmed, or None when there is none."""
    if phone is None:
        return None
    cleaned = phone.strip()
    return cleaned or None


async def notify_person(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    phone: str | None,
    template: str,
    params: dict[str, str],
    channel: Channel | None = None,
    agency_region_code: str | None = None,
    notifier: Notifier | None = None,
) -> uuid.UUID:
    """Notifies a person by SMS when a phone is known, else by letter; returns the notification's id.

    Raises TemplateError for an unknown template, missing parameters or a reason that is not
    notified (DEREG-NOTIFY). The agency region (for staff scoping) comes from the argument or the
    `agency_region_code` parameter.
    """
    message = render(template, params)
    number = clean_phone(phone)
    chosen = channel or (Channel.SMS if number else Channel.LETTER)
    if chosen is Channel.SMS and number is None:
        chosen = Channel.LETTER
    region = agency_region_code or params.get("agency_region_code")
    outgoing = OutgoingNotification(person_id, region, number, chosen, template, dict(params), message)
    return await (notifier or default_notifier()).notify(session, outgoing)


def rendered(notification: Notification) -> Message | None:
    """Returns the text of a stored notification, or None if its template no longer renders it."""
    try:
        return render(notification.template, notification.params)
    except ValueError:
        return None

