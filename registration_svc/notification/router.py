"""Endpoint for staff to list the notifications sent to a person (phone numbers masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from registration_svc.notification import repository
from registration_svc.notification.masking import mask_phone
from registration_svc.notification.models import Channel, Notification, NotificationStatus
from registration_svc.notification.schemas import NotificationRead
from registration_svc.notification.service import rendered
from shared.auth import Principal, Role, require_roles
from shared.db import SessionDep
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(tags=["notifications"])

NotificationReader = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]


def _read(notification: Notification, timezone: ZoneInfo) -> NotificationRead:
    message = rendered(notification)
    sent_at: datetime | None = notification.sent_at.astimezone(timezone) if notification.sent_at else None
    return NotificationRead(
        id=notification.id, person_id=notification.person_id, channel=Channel(notification.channel),
        phone=mask_phone(notification.phone) if notification.phone else None,
        template=notification.template, params=notification.params,
        text_zh=message.text_zh if message else None, text_en=message.text_en if message else None,
        status=NotificationStatus(notification.status), attempts=notification.attempts,
        created_at=notification.created_at.astimezone(timezone), sent_at=sent_at,
    )


@router.get("/persons/{person_id}/notifications", response_model=Page[NotificationRead])
async def list_person_notifications(
    person_id: UUID,
    request: Request,
    session: SessionDep,
    principal: NotificationReader,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[NotificationRead]:
    """Lists the notifications to a person that the caller's region may see, oldest first."""
    after = decode_cursor(cursor) if cursor else None
    timezone = ZoneInfo(request.app.state.settings.timezone)
    # Out-of-scope rows are left out rather than refused, so the answer never reveals they exist;
    # a notification stored without a region is visible to administrators and systems only.
    rows = await repository.of_person(
        session, person_id, limit + 1, after,
        region_prefix="" if principal.role is Role.SYSTEM else principal.region,
        include_without_region=principal.role in (Role.ADMIN, Role.SYSTEM),
    )
    page = list(rows[:limit])
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit else None
    return Page[NotificationRead](items=[_read(n, timezone) for n in page], next_cursor=next_cursor)
