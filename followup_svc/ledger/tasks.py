"""Worker side of the ledger: registration event handlers, the batch jobs' chunk work (generation, close,
data match) and their schedule (generation and close on the 1st, the data match on the 20th)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import JsonValue
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.first_contact.rules import registration_date
from followup_svc.ledger import repository, service
from followup_svc.ledger.rules import DEREGISTRATION_STATUSES, MATCH_KINDS, data_match_status, month_text
from shared.calendar import WorkdayCalendar
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.events import EventEnvelope, RegistrationCreated, RegistrationDeregistered
from shared.jobs import Chunk, ChunkWork
from shared.policy import PolicyRegistry

logger = logging.getLogger(__name__)


async def on_registration_created(
    session: AsyncSession, envelope: EventEnvelope, calendar: WorkdayCalendar, clock: Clock, timezone: str
) -> None:
    """Creates the ledger entries of a new registration (FU-MONTHLY)."""
    event = RegistrationCreated.model_validate(envelope.payload)
    registered_on = registration_date(event.registered_on, event.applied_at, timezone)
    await service.record_registration(session, event, registered_on, calendar, clock.today())


async def on_registration_deregistered(session: AsyncSession, envelope: EventEnvelope, clock: Clock) -> None:
    """Ends the ledger entries of a deregistered registration."""
    await service.record_deregistration(session, RegistrationDeregistered.model_validate(envelope.payload),
                                        clock.now())


def _chunk(resume: dict[str, Any] | None, seen: int, result: dict[str, Any]) -> Chunk:
    resume_json: JsonValue = resume
    result_json: dict[str, JsonValue] = result
    return Chunk(processed=seen, resume_from=resume_json, result=result_json)


def ledger_batch_work(
    policy: PolicyRegistry, calendar: Callable[[], WorkdayCalendar], clock: Clock,
    registration: Callable[[], RegistrationClient],
) -> Mapping[str, ChunkWork]:
    """Returns the chunk work of the ledger's batch jobs, by kind."""

    async def generation(session: AsyncSession, job: RowMapping, resume: JsonValue) -> Chunk:
        return _chunk(*await service.generation_chunk(session, job, resume, calendar()))

    async def close(session: AsyncSession, job: RowMapping, resume: JsonValue) -> Chunk:
        return _chunk(*await service.close_chunk(session, job, resume, policy, clock.now()))

    async def data_match(session: AsyncSession, job: RowMapping, resume: JsonValue) -> Chunk:
        _, rows, day = await service.data_match_rows(session, job, resume, clock.today())
        tally = {k: int(resume.get(k, 0)) if isinstance(resume, dict) else 0  # type: ignore[arg-type]
                 for k in ("contacts", "matched", "deregistrations_requested")}
        if rows:
            # One call per chunk of persons: the registration service answers for the whole page.
            kinds_of: dict[Any, set[str]] = defaultdict(set)
            for match in await registration().reference_matches([r[2] for r in rows], day, list(MATCH_KINDS)):
                kinds_of[match.person_id].add(match.kind)
            records = []
            for entry_id, registration_id, person_id in rows:
                status = data_match_status(kinds_of.get(person_id, ()))
                # FU-DATA-MATCH asks for the deregistration of the status found, as FU-OUTCOME would; a stored
                # contact cites its region's data-match clause when read (service.request_source).
                reason = status if status in DEREGISTRATION_STATUSES else None
                records.append((entry_id, registration_id, status, reason, day))
            contacts, requested = await repository.record_data_matches(
                session, records, recorded_by=f"job:{job['id']}", now=clock.now(), month_label=str(job["period"]),
            )
            # Work found starts an assisted person's revisits (FU-REVISIT), as a contact's would.
            for (_, _, person_id), (_, _, status, _, found_on) in zip(rows, records, strict=True):
                await service.revisits_on_work(session, person_id, status, found_on, policy, calendar())
            tally["contacts"] += contacts
            tally["matched"] += sum(1 for r in records if r[3] is not None)
            tally["deregistrations_requested"] += requested
        if len(rows) < service.MATCH_CHUNK:
            return _chunk(None, len(rows), {"month": job["period"], **tally, "rule": "FU-DATA-MATCH",
                                            "contacted_on": day.isoformat()})
        return _chunk({"after": str(rows[-1][1]), **tally}, len(rows), {})

    return {service.GENERATION: generation, service.CLOSE: close, service.DATA_MATCH: data_match}


__all__ = ["ledger_batch_work", "month_text", "on_registration_created", "on_registration_deregistered"]
