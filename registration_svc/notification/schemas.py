"""Response bodies of the notification endpoints."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from registration_svc.notification.models import NotificationChannel, NotificationStatus
from shared.clock import LocalDateTime


class NotificationRead(BaseModel):
    """A notification as staff see it: the phone number and the postal address are masked."""

    id: UUID
    person_id: UUID
    agency_region_code: str | None
    channel: NotificationChannel
    phone: str | None
    address: str | None = Field(None, description="信函的邮寄地址（已遮蔽）；短信、微信和窗口通知为空")
    template: str
    params: dict[str, str]
    text_zh: str | None
    text_en: str | None
    status: NotificationStatus
    attempts: int
    created_at: LocalDateTime
    sent_at: LocalDateTime | None
    # When the sender tries next (pending, failed), or gives up waiting for a send's outcome (sending).
    next_attempt_at: LocalDateTime | None
    last_attempt_at: LocalDateTime | None
    # The last failed attempt's error, kept after a staff retry until the next attempt.
    last_error: str | None
    dead_lettered_at: LocalDateTime | None
    delivery_reference: str | None
