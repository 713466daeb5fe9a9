"""Notifies persons (DEREG-NOTIFY): stores the message for the sender job; staff lists and dead-letter retries."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification import repository
from registration_svc.notification.errors import NotDeadLettered
from registration_svc.notification.masking import mask_address, mask_phone
from registration_svc.notification.models import Notification, NotificationChannel, NotificationStatus
from registration_svc.notification.schemas import NotificationRead
from registration_svc.notification.templates import Message, render
from registration_svc.region.service import agency_of
from shared.auth import Principal, forbidden, scope_region
from shared.pagination import PageRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingNotification:
    """A notification to deliver, already checked against its template."""

    person_id: uuid.UUID
    agency_region_code: str | None
    phone: str | None
    channel: NotificationChannel
    template: str
    params: dict[str, str]
    message: Message
    # The postal address, for a letter only.
    address: str | None = None


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
            phone=outgoing.phone, address=outgoing.address, channel=outgoing.channel.value,
            template=outgoing.template,
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
    channel: NotificationChannel | None = None,
    agency_region_code: str | None = None,
    notifier: Notifier | None = None,
    address: str | None = None,
) -> uuid.UUID | None:
    """Notifies a person through a channel they have: SMS when a phone is known, else a letter when an address
    is, else the agency's window (the notice is kept for the person's next visit and in their notices
    online), so that no letter is "sent" to nowhere; returns the notification's id.

    Raises TemplateError for an unknown template, missing parameters or a reason that is not
    notified (DEREG-NOTIFY). The agency region (for staff scoping) comes from the argument or the
    `agency_region_code` parameter; the agency that answers for it, when the region registry records one,
    is named in the notice with its telephone (`agency_name`, `agency_telephone`).
    """
    region = agency_region_code or params.get("agency_region_code")
    if region and "agency_name" not in params:
        agency = await agency_of(session, region)
        if agency is not None:
            params = {**params, "agency_name": agency.name, "agency_telephone": agency.telephone}
    message = render(template, params)
    number = clean_phone(phone)
    has_address = bool(address and address.strip())
    chosen = channel or (NotificationChannel.SMS if number else NotificationChannel.LETTER)
    if chosen is NotificationChannel.SMS and number is None:
        chosen = NotificationChannel.LETTER
    if chosen is NotificationChannel.LETTER and not has_address:
        logger.info("no phone and no address: the notice is kept for the agency's window", extra={
            "person_id": str(person_id), "template": template, "agency_region_code": region,
        })
        chosen = NotificationChannel.WINDOW
    postal = address.strip() if address and chosen is NotificationChannel.LETTER else None
    outgoing = OutgoingNotification(person_id, region, number, chosen, template, dict(params), message, postal)
    return await (notifier or default_notifier()).notify(session, outgoing)


async def list_notifications(
    session: AsyncSession,
    principal: Principal,
    page: PageRequest,
    *,
    person_id: uuid.UUID | None = None,
    region: str | None = None,
    status: NotificationStatus | None = None,
) -> Sequence[Notification]:
    """Lists the notifications the caller may see, oldest first, narrowed to a person, a region inside the
    caller's (403 for one wider or beside it, as every list) and a status; the rows of one page."""
    narrowed = scope_region(principal, region) if region is not None else None
    return await repository.page(
        session, repository.readable(principal), page, person_id=person_id, region=narrowed, status=status
    )


async def retry_dead_letter(
    session: AsyncSession, principal: Principal, notification_id: uuid.UUID, now: datetime
) -> tuple[Notification, dict[str, JsonValue]]:
    """Puts a dead-lettered notification back in the queue with a fresh set of attempts; returns it and
    what it was before (for the audit log). 403 outside the caller's scope, 409 unless dead-lettered."""
    notification = await repository.get_for_update(session, repository.readable(principal), notification_id)
    if notification is None:
        raise forbidden()
    if notification.status != NotificationStatus.DEAD_LETTER.value:
        raise NotDeadLettered(
            f"Only a dead-lettered notification can be retried; this one is {notification.status}.",
            f"只有已转入死信（停止发送）的通知可以重新发送，该通知状态为 {_STATUS_ZH[notification.status]}。",
        )
    before: dict[str, JsonValue] = {
        "attempts": notification.attempts,
        "dead_lettered_at": notification.dead_lettered_at.isoformat() if notification.dead_lettered_at else None,
        "channel": notification.channel,
    }
    # The last error stays for staff to read until the next attempt replaces it.
    notification.status = NotificationStatus.PENDING
    notification.attempts = 0
    notification.next_attempt_at = now
    notification.dead_lettered_at = None
    notification.claim_id = None
    await session.flush()
    logger.info("dead-lettered notification retried", extra={
        "notification_id": str(notification.id), "by": principal.sub, "previous_attempts": before["attempts"]})
    return notification, before


_STATUS_ZH = {
    NotificationStatus.PENDING.value: "待发送",
    NotificationStatus.SENDING.value: "发送中",
    NotificationStatus.SENT.value: "已发送",
    NotificationStatus.FAILED.value: "发送失败待重试",
    NotificationStatus.DEAD_LETTER.value: "已停止发送",
}


def rendered(notification: Notification) -> Message | None:
    """Returns the text of a stored notification, or None if its template no longer renders it."""
    try:
        return render(notification.template, notification.params)
    except ValueError:
        return None


def to_read(notification: Notification) -> NotificationRead:
    """Returns the staff view of a notification: phone and address masked, the message rendered in both languages."""
    message = rendered(notification)
    return NotificationRead(
        id=notification.id, person_id=notification.person_id, agency_region_code=notification.agency_region_code,
        channel=NotificationChannel(notification.channel),
        phone=mask_phone(notification.phone) if notification.phone else None,
        address=mask_address(notification.address) if notification.address else None,
        template=notification.template, params=notification.params,
        text_zh=message.text_zh if message else None, text_en=message.text_en if message else None,
        status=NotificationStatus(notification.status), attempts=notification.attempts,
        created_at=notification.created_at, sent_at=notification.sent_at,
        next_attempt_at=notification.next_attempt_at, last_attempt_at=notification.last_attempt_at,
        last_error=notification.last_error, dead_lettered_at=notification.dead_lettered_at,
        delivery_reference=notification.delivery_reference,
    )
