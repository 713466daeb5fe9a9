"""Response bodies of the notification endpoints."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from registration_svc.notification.models import Channel, NotificationStatus
from shared.clock import LocalDateTime


class NotificationRead(BaseModel):
    """A notification as staff see it: the phone number is masked."""

    id: UUID
    person_id: UUID
    channel: Channel
    phone: str | None
    template: str
    params: dict[str, str]
    text_zh: str | None
    text_en: str | None
    status: NotificationStatus
    attempts: int
    created_at: LocalDateTime
    sent_at: LocalDateTime | None
