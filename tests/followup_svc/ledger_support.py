"""Builders of the ledger tests: registration events through the ledger's handlers, rows put in directly,
the app on a fixed clock and the batch jobs run in-process."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import func, select, text

from followup_svc.first_contact.tasks import registration_handlers
from followup_svc.ledger.models import LedgerEntry, LedgerRegistration
from followup_svc.ledger.tasks import ledger_batch_work, on_registration_created, on_registration_deregistered
from followup_svc.models import platform
from shared.calendar import default_calendar
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from shared.events import EventEnvelope, EventType
from shared.jobs import ChunkWork, JobStatus, run_job
from shared.outbox import EventHandler, consume_event
from shared.policy import default_registry
from tests.followup_svc.helpers import created, deregistered, envelope

__all__ = ["created", "deregistered"]


def handlers(clock: Clock) -> dict[str, EventHandler]:
    """The followup worker's registration handlers (first contact, then ledger) on a fixed clock."""
    first = registration_handlers(default_registry(), default_calendar, "Asia/Shanghai")

    async def on_created(session: Any, body: EventEnvelope) -> None:
        await first[EventType.REGISTRATION_CREATED](session, body)
        await on_registration_created(session, body, default_calendar(), clock, "Asia/Shanghai")

    async def on_deregistered(session: Any, body: EventEnvelope) -> None:
        await first[EventType.REGISTRATION_DEREGISTERED](session, body)
        await on_registration_deregistered(session, body, clock)

    return {EventType.REGISTRATION_CREATED: on_created, EventType.REGISTRATION_DEREGISTERED: on_deregistered}


async def consume(database: Database, clock: Clock, body: dict[str, object]) -> bool:
    """Consumes one event as the worker would (once per event id)."""
    return await consume_event(database, platform.processed_event, body, handlers(clock))


async def register(database: Database, clock: Clock, registered_on: date, region: str = "440203001"
                   ) -> uuid.UUID:
    """Sends registration.created for a new registration; returns its id."""
    event = created(registered_on=registered_on, region=region)
    assert await consume(database, clock, envelope(EventType.REGISTRATION_CREATED, event))
    return event.registration_id


async def entries_of(database: Database, registration_id: uuid.UUID) -> list[LedgerEntry]:
    """The entries of a registration, oldest month first."""
    async with database.transaction() as session:
        rows = await session.scalars(select(LedgerEntry).where(LedgerEntry.registration_id == registration_id)
                                     .order_by(LedgerEntry.month))
        return list(rows)


async def put_entry(database: Database, registration_id: uuid.UUID, month: date, status: str,
                    *, closed: bool, region: str = "440203001", person_id: uuid.UUID | None = None,
                    registered_on: date = date(2026, 1, 5), created_at: datetime | None = None) -> uuid.UUID:
    """Puts an entry (and its registration's facts, once) in directly, as months of history."""
    async with database.transaction() as session:
        if await session.get(LedgerRegistration, registration_id) is None:
            session.add(LedgerRegistration(registration_id=registration_id, person_id=person_id or uuid.uuid4(),
                                           agency_region_code=region, registered_on=registered_on))
            await session.flush()
        registration = await session.get(LedgerRegistration, registration_id)
        assert registration is not None
        entry = LedgerEntry(id=uuid.uuid4(), registration_id=registration_id, person_id=registration.person_id,
                            agency_region_code=region, month=month, status=status, due_on=month.replace(day=28),
                            closed_at=datetime(2026, 1, 1, tzinfo=UTC) if closed else None)
        if created_at is not None:
            entry.created_at = created_at
        session.add(entry)
    return entry.id


async def deregistration_requests(database: Database, registration_id: uuid.UUID) -> list[dict[str, Any]]:
    """The followup.deregistration_requested events in the outbox for a registration."""
    outbox = platform.outbox
    async with database.transaction() as session:
        rows = await session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == EventType.FOLLOWUP_DEREGISTRATION_REQUESTED,
                                           outbox.c.payload["registration_id"].astext == str(registration_id))
        )
        return [dict(r) for r in rows]


async def count(database: Database, *where: Any) -> int:
    """Counts entries matching conditions."""
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerEntry).where(*where)) or 0)


def batch_work(clock: Clock, client: Callable[[], RegistrationClient] | None = None) -> Mapping[str, ChunkWork]:
    """The ledger's chunk work on a fixed clock."""
    def no_client() -> RegistrationClient:
        raise AssertionError("this job calls no peer")
    return ledger_batch_work(default_registry(), default_calendar, clock, client or no_client)


async def run(database: Database, job_id: str, clock: Clock,
              client: Callable[[], RegistrationClient] | None = None) -> dict[str, Any]:
    """Runs a submitted job to its end in-process; returns its row."""
    table = platform.job
    status = await run_job(database, table, uuid.UUID(job_id), batch_work(clock, client))
    async with database.transaction() as session:
        row = (await session.execute(select(table).where(table.c.id == uuid.UUID(job_id)))).mappings().one()
    assert status == JobStatus.SUCCEEDED, row["error"]
    return dict(row)


def workbook(rows: list[list[object]]) -> bytes:
    """A workbook as a town fills it in Excel: the header row first."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


async def assert_counts_agree(database: Database) -> None:
    """The per-town counts the triggers keep equal a count of the entries themselves."""
    async with database.transaction() as session:
        counted = set((await session.execute(text(
            "SELECT month, agency_region_code, status, count(*) FROM followup.ledger_entry GROUP BY 1, 2, 3"
        ))).all())
        kept = set((await session.execute(text(
            "SELECT month, agency_region_code, status, entries FROM followup.ledger_count WHERE entries <> 0"
        ))).all())
    assert counted == kept
