"""Endpoints for staff: the notifications to a person or a region (phone numbers masked), and the retry of
a dead-lettered one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from registration_svc.models import platform
from registration_svc.notification import service
from registration_svc.notification.models import Notification, NotificationStatus
from registration_svc.notification.schemas import NotificationRead
from shared import audit
from shared.auth import Principal, RegionQuery, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep, to_page

router = APIRouter(tags=["notifications"])

# A citizen reads their own notices (readable() keeps them to their identity number).
NotificationReader = Annotated[
    Principal, Depends(require_roles(Role.CITIZEN, Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]
# Retrying sends a message to a person again: the caseworkers and administrators who act for the region.
NotificationRetrier = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.ADMIN))]


def _position(notification: Notification) -> tuple[datetime, UUID]:
    return notification.created_at, notification.id


@router.get("/persons/{person_id}/notifications", response_model=Page[NotificationRead])
async def list_person_notifications(
    person_id: UUID,
    session: SessionDep,
    principal: NotificationReader,
    page: PageRequestDep,
    status: NotificationStatus | None = None,
) -> Page[NotificationRead]:
    """Lists the notifications to a person that the caller's region may see, oldest first."""
    # Out-of-scope rows are left out rather than refused, so the answer never reveals they exist.
    rows = await service.list_notifications(session, principal, page, person_id=person_id, status=status)
    return to_page(rows, page, service.to_read, _position)


@router.get("/notifications", response_model=Page[NotificationRead], summary="List notifications in scope")
async def list_notifications(
    session: SessionDep,
    principal: NotificationReader,
    page: PageRequestDep,
    status: NotificationStatus | None = None,
    region: RegionQuery = None,
) -> Page[NotificationRead]:
    """Lists the notifications of the caller's region (or a region inside it), oldest first; with
    `status=failed` those being retried, with `status=dead_letter` those given up."""
    rows = await service.list_notifications(session, principal, page, region=region, status=status)
    return to_page(rows, page, service.to_read, _position)


@router.post(
    "/notifications/{notification_id}/retry",
    response_model=NotificationRead,
    dependencies=[Idempotent],
    summary="Send a dead-lettered notification again",
)
async def retry_notification(
    notification_id: UUID,
    request: Request,
    session: SessionDep,
    principal: NotificationRetrier,
    clock: ClockDep,
) -> NotificationRead:
    """Puts a dead-lettered notification back in the queue with a fresh set of attempts (audited); the
    sender picks it up on its next run."""
    notification, before = await service.retry_dead_letter(session, principal, notification_id, clock.now())
    await audit.record(
        session, platform.audit_log, principal, "notification.retry", "notification", str(notification.id),
        request=request, details=before,
    )
    return service.to_read(notification)
