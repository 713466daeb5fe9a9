"""Queries of notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification.models import Notification, NotificationStatus


async def add(session: AsyncSession, notification: Notification) -> None:
    """Stores a notification in the caller's transaction."""
    session.add(notification)
    await session.flush()


async def of_person(
    session: AsyncSession,
    person_id: uuid.UUID,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    *,
    region_prefix: str,
    include_without_region: bool,
) -> Sequence[Notification]:
    """Lists a person's notifications in a region (and, if asked, those without one), oldest first."""
    query = select(Notification).where(Notification.person_id == person_id)
    # Region codes are digits only, so the prefix needs no LIKE escaping.
    in_region = Notification.agency_region_code.like(f"{region_prefix}%")
    if include_without_region:
        query = query.where(or_(in_region, Notification.agency_region_code.is_(None)))
    else:
        query = query.where(in_region)
    if after is not None:
        query = query.where(tuple_(Notification.created_at, Notification.id) > tuple_(*after))
    result = await session.scalars(query.order_by(Notification.created_at, Notification.id).limit(limit))
    return result.all()


async def pending(session: AsyncSession, channel: str, limit: int) -> Sequence[Notification]:
    """Locks and returns the oldest pending notifications of a channel; concurrent senders skip them."""
    result = await session.scalars(
        select(Notification)
        .where(Notification.status == NotificationStatus.PENDING.value, Notification.channel == channel)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.all()
