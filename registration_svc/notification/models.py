"""ORM table of notifications to persons, kept until an SMS/WeChat/letter adapter sends them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.models import Base


class Channel(StrEnum):
    """How a notification reaches the person (DEREG-NOTIFY: SMS, WeChat or letter)."""

    SMS = "sms"
    WECHAT = "wechat"
    LETTER = "letter"


class NotificationStatus(StrEnum):
    """Delivery state of a notification."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One message to a person, with the template and parameters it is rendered from."""

    __tablename__ = "notification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # No foreign key to person: this table must not depend on the registration tables' migrations.
    person_id: Mapped[uuid.UUID]
    agency_region_code: Mapped[str | None] = mapped_column(String(12))
    # Stored in clear because the sender needs it; every API response masks it.
    phone: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, str]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("channel IN ('sms', 'wechat', 'letter')", name="channel"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_has_time"),
        Index("ix_notification_person_created", "person_id", "created_at", "id"),
        Index("ix_notification_pending", "channel", "created_at",
              postgresql_where=text("status = 'pending'")),
    )
