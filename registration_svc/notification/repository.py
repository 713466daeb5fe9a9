"""Queries of notifications: storing, the staff's scoped lists, and the sender's claims and outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from registration_svc.notification.models import Notification, NotificationStatus
from registration_svc.person.models import Person
from shared.auth import Principal, Role
from shared.identity import normalize_id_number
from shared.pagination import PageRequest, keyset
from shared.regions import in_region, region_prefix

# in_region takes a non-null region column; a notification without a region lies in none (NULL never
# matches a prefix), which is what readable() relies on.
_REGION_CODE = cast("InstrumentedAttribute[str]", Notification.agency_region_code)
# Claimable: waiting for a first attempt or for the next one after a failure.
_CLAIMABLE = (NotificationStatus.PENDING.value, NotificationStatus.FAILED.value)


async def add(session: AsyncSession, notification: Notification) -> None:
    """Stores a notification in the caller's transaction."""
    session.add(notification)
    await session.flush()


def readable(principal: Principal) -> Select[Notification]:
    """Returns the notifications the caller may see: a citizen their own (by identity number), staff their
    region's (T-REGION), systems all. A notification stored without a region is visible to administrators
    and systems only."""
    query = select(Notification)
    if principal.role is Role.SYSTEM:
        return query
    if principal.role is Role.CITIZEN:
        own = select(Person.id).where(Person.id_number == normalize_id_number(principal.sub))
        return query.where(Notification.person_id.in_(own.scalar_subquery()))
    in_scope = in_region(_REGION_CODE, region_prefix(principal.region))
    if principal.role is Role.ADMIN:
        return query.where(or_(in_scope, Notification.agency_region_code.is_(None)))
    return query.where(in_scope)


async def page(
    session: AsyncSession,
    query: Select[Notification],
    page: PageRequest,
    *,
    person_id: uuid.UUID | None = None,
    region: str | None = None,
    status: NotificationStatus | None = None,
) -> Sequence[Notification]:
    """Returns one page (keyset, oldest first) of a scoped query, narrowed to a person, a region prefix and a
    status when given."""
    if person_id is not None:
        query = query.where(Notification.person_id == person_id)
    if region is not None:
        query = query.where(in_region(_REGION_CODE, region))
    if status is not None:
        query = query.where(Notification.status == status.value)
    result = await session.scalars(keyset(query, Notification.created_at, Notification.id, page))
    return result.all()


async def get_for_update(
    session: AsyncSession, query: Select[Notification], notification_id: uuid.UUID
) -> Notification | None:
    """Locks and returns a notification of a scoped query, or None if it is not there."""
    result = await session.scalars(query.where(Notification.id == notification_id).with_for_update())
    return result.one_or_none()


async def claim_due(
    session: AsyncSession, now: datetime, limit: int, claim_id: uuid.UUID, claimed_until: datetime
) -> Sequence[Notification]:
    """Claims the notifications due by `now`, most overdue first, for one sender run until `claimed_until`.

    Rows another run has locked are skipped, not waited for; once this transaction commits, the claim
    (a next_attempt_at in the future) keeps every other run away from them.
    """
    result = await session.scalars(
        select(Notification)
        .where(Notification.status.in_(_CLAIMABLE), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = result.all()
    for notification in claimed:
        notification.claim_id = claim_id
        notification.next_attempt_at = claimed_until
    await session.flush()
    return claimed


async def start_attempt(
    session: AsyncSession, notification_id: uuid.UUID, claim_id: uuid.UUID, now: datetime, lapses_at: datetime
) -> Notification | None:
    """Marks a claimed notification as being sent (one more attempt), or returns None if the claim is lost."""
    result = await session.scalars(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.claim_id == claim_id,
            Notification.status.in_(_CLAIMABLE),
        )
        .values(
            status=NotificationStatus.SENDING.value, attempts=Notification.attempts + 1, last_attempt_at=now,
            next_attempt_at=lapses_at,
        )
        .returning(Notification),
        execution_options={"synchronize_session": False},
    )
    return result.one_or_none()


async def record_outcome(
    session: AsyncSession, notification_id: uuid.UUID, claim_id: uuid.UUID, values: Mapping[str, object]
) -> bool:
    """Records the outcome of an attempt still being sent under this claim; tells whether it was."""
    result = await session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.claim_id == claim_id,
            Notification.status == NotificationStatus.SENDING.value,
        )
        .values({**values, "claim_id": None})
        .returning(Notification.id),
        execution_options={"synchronize_session": False},
    )
    return result.first() is not None


async def release(session: AsyncSession, claim_id: uuid.UUID, now: datetime) -> int:
    """Gives back the claimed notifications a run did not get to, due at once; returns how many."""
    result = await session.execute(
        update(Notification)
        .where(Notification.claim_id == claim_id, Notification.status.in_(_CLAIMABLE))
        .values(claim_id=None, next_attempt_at=now)
        .returning(Notification.id),
        execution_options={"synchronize_session": False},
    )
    return len(result.all())


async def dead_letter_interrupted(session: AsyncSession, now: datetime, error: str) -> Sequence[Notification]:
    """Dead-letters the notifications left being sent past their time (the sender stopped before recording
    the outcome) and returns them."""
    result = await session.scalars(
        update(Notification)
        .where(Notification.status == NotificationStatus.SENDING.value, Notification.next_attempt_at <= now)
        .values(
            status=NotificationStatus.DEAD_LETTER.value, dead_lettered_at=now, next_attempt_at=None,
            claim_id=None, last_error=error,
        )
        .returning(Notification),
        execution_options={"synchronize_session": False},
    )
    return result.all()
