"""ORM table of notifications to persons, kept until a channel adapter has sent them or they are given up."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText


class NotificationChannel(StrEnum):
    """How a notification reaches the person (DEREG-NOTIFY: SMS, WeChat, letter, or the agency's window)."""

    SMS = "sms"
    WECHAT = "wechat"
    LETTER = "letter"
    # Neither a phone nor an address: the notice waits at the agency's window, where the person is told when
    # they next come, and in their own notices online (GET /persons/{id}/notifications); nothing goes to nowhere.
    WINDOW = "window"


class NotificationStatus(StrEnum):
    """Delivery state of a notification."""

    # Waiting for its first attempt.
    PENDING = "pending"
    # Handed to a channel adapter; the outcome is not recorded yet. One left here past next_attempt_at was
    # interrupted (the sender stopped between the send and recording it) and is dead-lettered, not resent.
    SENDING = "sending"
    SENT = "sent"
    # The last attempt failed; the sender tries again at next_attempt_at.
    FAILED = "failed"
    # Given up: too many failed attempts, refused by the channel, or interrupted. Staff may retry it.
    DEAD_LETTER = "dead_letter"


# States in which the sender still has something to do; each has a next_attempt_at.
SCHEDULED_STATUSES = (NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.FAILED)


class Notification(Base):
    """One message to a person, with the template and parameters it is rendered from and its delivery state."""

    __tablename__ = "notification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # No foreign key to person: this table must not depend on the registration tables' migrations.
    person_id: Mapped[uuid.UUID]
    agency_region_code: Mapped[str | None] = mapped_column(String(12))
    # Stored in clear because the sender needs it; every API response and log line masks it.
    phone: Mapped[str | None] = mapped_column(String(32))
    # The postal address of a letter (channel 'letter' only), in clear for the same reason, masked likewise.
    address: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[NotificationChannel] = mapped_column(EnumText(NotificationChannel, 8))
    template: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, str]] = mapped_column(JSONB)
    status: Mapped[NotificationStatus] = mapped_column(EnumText(NotificationStatus, 16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Attempts handed to an adapter since the notification was stored or last retried by staff.
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Pending or failed: when the sender may try it (a sender's claim pushes it to the claim's end);
    # sending: when an unrecorded outcome counts as interrupted.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The sender run that holds the notification; its writes apply only while this is still its claim.
    claim_id: Mapped[uuid.UUID | None]
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dead_lettered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the channel's gateway calls the message it accepted, for looking it up in its delivery reports.
    delivery_reference: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        CheckConstraint("channel IN ('sms', 'wechat', 'letter', 'window')", name="channel"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'dead_letter')", name="status"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_has_time"),
        CheckConstraint("(status = 'dead_letter') = (dead_lettered_at IS NOT NULL)", name="dead_letter_has_time"),
        CheckConstraint(
            "(status IN ('pending', 'sending', 'failed')) = (next_attempt_at IS NOT NULL)", name="scheduled_has_time"
        ),
        CheckConstraint("status <> 'sending' OR claim_id IS NOT NULL", name="sending_has_claim"),
        Index("ix_notification_person_created", "person_id", "created_at", "id"),
        Index("ix_notification_next_attempt", "next_attempt_at",
              postgresql_where=text("status IN ('pending', 'sending', 'failed')")),
        Index("ix_notification_status_created", "status", "created_at", "id"),
    )
