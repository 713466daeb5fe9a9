"""Worker side of the certification workflow: the registration.deregistered handler (DIFF-EXIT), the daily
retirement exits and overdue flags, and the batch work of quarterly reviews and screening."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from eligibility_svc.certification import periodic
from eligibility_svc.certification.service import WorkflowEnv
from shared.calendar_store import Redater
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.deadlines import deadline_redater
from shared.events import EventEnvelope, EventType, RegistrationDeregistered
from shared.jobs import ChunkWork
from shared.outbox import EventHandler
from shared.policy import PolicyRegistry

logger = logging.getLogger(__name__)


def deregistration_handlers(env: Callable[[], WorkflowEnv]) -> Mapping[str, EventHandler]:
    """Returns the handler of registration.deregistered: automatic exit for work, pension, death, prison."""

    async def on_deregistered(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = RegistrationDeregistered.model_validate(envelope.payload)
        await periodic.exit_on_deregistration(session, env(), event)

    return {EventType.REGISTRATION_DEREGISTERED: on_deregistered}


async def exit_on_retirement(database: Database, env: WorkflowEnv, today: date) -> int:
    """Ends the certifications of those who reached the statutory retirement date (DIFF-EXIT)."""
    async with database.transaction() as session:
        ended = await periodic.exit_on_retirement(session, env, today)
    logger.info("retirement exits", extra={"rule": "DIFF-EXIT", "on": today.isoformat(), "ended": ended})
    return ended


async def flag_overdue(database: Database, today: date) -> dict[str, dict[str, int]]:
    """Flags overdue steps and logs the counts per county and rule for the report upward."""
    async with database.transaction() as session:
        report = await periodic.flag_overdue(session, today)
    for county, rules in report.items():
        logger.warning("difficulty steps overdue", extra={"county": county, "counts": rules, "on": today.isoformat()})
    return report


def batch_work(
    policy: PolicyRegistry, registration: Callable[[], RegistrationClient], clock: Clock | None = None,
) -> Mapping[str, ChunkWork]:
    """Returns the chunk work of the service's batch jobs (their records stamped by `clock`)."""
    return {
        periodic.QUARTERLY_KIND: periodic.quarterly_work(policy, registration, clock=clock),
        periodic.SCREENING_KIND: periodic.screening_work(policy, registration, clock=clock),
    }


def certification_redater(clock: Clock) -> Redater:
    """Returns what calendar.year_replaced runs: estimated DIFF-PRELIMINARY and DIFF-REVIEW dues re-counted."""
    return deadline_redater(clock, periodic.STORED_PRELIMINARY_DUES, periodic.STORED_REVIEW_DUES)
