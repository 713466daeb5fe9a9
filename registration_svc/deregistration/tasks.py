"""Worker side of deregistration: the follow-up service's requests (followup.deregistration_requested)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.deregistration import service
from shared.clock import Clock
from shared.events import EventEnvelope, FollowupDeregistrationRequested
from shared.outbox import EventHandler
from shared.policy import PolicyRegistry


def deregistration_request_handler(policy: PolicyRegistry, clock: Clock) -> EventHandler:
    """Returns the handler that deregisters once per request event, as the endpoint would (DEREG-NOTIFY
    included); the event's ID is recorded with the change, so a redelivery does nothing."""

    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        request = FollowupDeregistrationRequested.model_validate(envelope.payload)
        await service.deregister_on_request(session, policy, request, clock.now(), clock.today())

    return handle
