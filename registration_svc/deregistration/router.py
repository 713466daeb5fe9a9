"""HTTP endpoint of deregistration: POST /api/v1/registrations/{id}/deregistration."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from registration_svc.deregistration import service
from registration_svc.deregistration.rules import DeregistrationReason, reason_group
from registration_svc.deregistration.schemas import (
    DeregistrationCreate,
    DeregistrationResult,
    NotifyExplanation,
)
from shared.auth import Principal, Role, require_roles
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent

router = APIRouter(prefix="/registrations", tags=["deregistration"])

Deregistrar = Annotated[
    Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))
]


@router.post(
    "/{registration_id}/deregistration",
    response_model=DeregistrationResult,
    dependencies=[Idempotent],
    summary="Deregister a registration (注销失业登记, DEREG-*)",
)
async def deregister(
    registration_id: uuid.UUID,
    body: DeregistrationCreate,
    request: Request,
    session: SessionDep,
    principal: Deregistrar,
    clock: ClockDep,
) -> DeregistrationResult:
    """Deregisters a registered person with a reason code; notifies them unless DEREG-NOTIFY exempts it.

    unreachable and refused_services are refused (422 deregistration.followup_reason, DEREG-MANUAL):
    they come from the follow-up rules FU-UNREACHABLE and FU-REFUSAL, unless an administrator overrides
    with override_reason, which the audit log keeps.
    """
    now, today = clock.now(), clock.today()
    outcome = await service.deregister_by_hand(
        session, principal, request.app.state.policy, registration_id, body, now, today, request
    )
    registration = outcome.registration
    return DeregistrationResult(
        id=registration.id,
        status=registration.status,
        reason=body.reason,
        reason_group=reason_group(DeregistrationReason(body.reason)),
        effective_date=body.effective_date,
        note=body.note,
        notify_person=outcome.notify.met,
        notification_id=registration.notification_id,
        notify_explanation=NotifyExplanation(
            notify=outcome.notify.met,
            reason=outcome.notify.reason,
            reason_zh=outcome.notify.reason_zh,
            source=outcome.notify.source,
        ),
        false_information=body.false_information,
    )

