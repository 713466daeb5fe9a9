"""Queries of the ledger; the only module that builds them. Batch work is set-based SQL (INSERT … SELECT,
UPDATE … FROM) over one chunk of registrations at a time: a month is never loaded into Python."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.first_contact.repository import lock_registration
from followup_svc.ledger.models import (
    LedgerContact,
    LedgerCount,
    LedgerEntry,
    LedgerMonth,
    LedgerMonthCount,
    LedgerRegistration,
)
from followup_svc.ledger.rules import URGENCY, EntryStatus, month_end
from followup_svc.models import Deregistration
from shared.auth import Principal, scope_region
from shared.errors import ProblemError, Violation
from shared.events import EventType
from shared.regions import in_region

__all__ = ["lock_registration"]



# ---------------------------------------------------------------- registrations


async def insert_registration(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Records a registration's facts once; returns whether this call recorded them."""
    inserted = (
        await session.execute(
            pg_insert(LedgerRegistration).values(**values)
            .on_conflict_do_nothing(index_elements=[LedgerRegistration.registration_id])
            .returning(LedgerRegistration.registration_id)
        )
    ).first()
    return inserted is not None


async def get_registration(session: AsyncSession, registration_id: uuid.UUID, *, for_update: bool = False
                           ) -> LedgerRegistration | None:
    """Gets the facts kept about a registration."""
    stmt = select(LedgerRegistration).where(LedgerRegistration.registration_id == registration_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def registrations(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, LedgerRegistration]:
    """Gets the facts of several registrations, by id."""
    if not ids:
        return {}
    rows = await session.scalars(select(LedgerRegistration).where(LedgerRegistration.registration_id.in_(ids)))
    return {row.registration_id: row for row in rows}


async def seen_deregistration(session: AsyncSession, registration_id: uuid.UUID) -> Deregistration | None:
    """Gets a deregistration event that overtook the registration's creation on the queue."""
    return await session.get(Deregistration, registration_id)


async def record_deregistered(session: AsyncSession, registration_id: uuid.UUID, reason: str, on: date) -> None:
    """Records that the registration service ended the registration (the first one seen wins)."""
    await session.execute(
        update(LedgerRegistration)
        .where(LedgerRegistration.registration_id == registration_id, LedgerRegistration.deregistered_on.is_(None))
        .values(deregistered_on=on, deregistration_reason=reason)
    )


async def mark_requested(session: AsyncSession, registration_id: uuid.UUID, reason: str, effective_date: date,
                         rule: str) -> bool:
    """Records the deregistration this service requests for a registration, unless one was requested already
    or the registration has ended; returns whether this is the first request (so the event goes out once)."""
    done = (
        await session.execute(
            update(LedgerRegistration)
            .where(LedgerRegistration.registration_id == registration_id,
                   LedgerRegistration.requested_reason.is_(None), LedgerRegistration.deregistered_on.is_(None))
            .values(requested_reason=reason, requested_effective_date=effective_date, requested_rule=rule)
            .returning(LedgerRegistration.registration_id)
        )
    ).first()
    return done is not None


async def registration_of_person(session: AsyncSession, person_id: uuid.UUID, on: date) -> LedgerRegistration | None:
    """Gets the person's registration valid on a day (the latest registered, if several), or None."""
    stmt = (
        select(LedgerRegistration)
        .where(LedgerRegistration.person_id == person_id, LedgerRegistration.registered_on <= on,
               (LedgerRegistration.deregistered_on.is_(None)) | (LedgerRegistration.deregistered_on >= on))
        .order_by(LedgerRegistration.registered_on.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


# ---------------------------------------------------------------- entries


async def insert_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Inserts entries, skipping months a registration has already; returns how many were new."""
    if not rows:
        return 0
    result = await session.execute(
        pg_insert(LedgerEntry).values(list(rows))
        .on_conflict_do_nothing(index_elements=[LedgerEntry.month, LedgerEntry.registration_id])
        .returning(LedgerEntry.id)
    )
    return len(result.all())


async def end_entries(session: AsyncSession, registration_id: uuid.UUID, effective_date: date, at: datetime) -> int:
    """Ends the open entries of a registration from the month of its deregistration on; closed months keep
    what their close recorded. Returns how many changed."""
    result = await session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.registration_id == registration_id, LedgerEntry.month >= effective_date.replace(day=1),
               entry_open(), LedgerEntry.status != EntryStatus.ENDED.value)
        .values(status=EntryStatus.ENDED.value, updated_at=at)
        .returning(LedgerEntry.id)
    )
    return len(result.all())


def entry_open() -> ColumnElement[bool]:
    """The SQL condition that an entry is open: not closed by a close, and its month not closed since the
    entry was made (the close writes only the entries whose state it changes; an entry added to a closed
    month later stays open until the month is closed again)."""
    month_closed = (
        select(LedgerMonth.month)
        .where(LedgerMonth.month == LedgerEntry.month, LedgerMonth.closed_at >= LedgerEntry.created_at)
        .exists()
    )
    return LedgerEntry.closed_at.is_(None) & ~month_closed


def readable(principal: Principal, region: str | None = None) -> Select[LedgerEntry]:
    """Returns the entries the caller may see: those of their region, or of `region` inside it (T-REGION)."""
    return select(LedgerEntry).where(in_region(LedgerEntry.agency_region_code, scope_region(principal, region)))


async def get_entry(session: AsyncSession, principal: Principal, entry_id: uuid.UUID, *, for_update: bool = False
                    ) -> LedgerEntry | None:
    """Gets an entry the caller may see, optionally locked; None when missing or out of scope."""
    stmt = readable(principal).where(LedgerEntry.id == entry_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


def _urgency() -> ColumnElement[int]:
    return case({status: rank for status, rank in URGENCY.items()}, value=LedgerEntry.status, else_=9)


@dataclass(frozen=True, slots=True)
class EntryCursor:
    """The position after an entry in the list's order: oldest month, most urgent state, id."""

    month: date
    urgency: int
    entry_id: uuid.UUID

    def encode(self) -> str:
        """Encodes the position as an opaque cursor."""
        raw = json.dumps([self.month.isoformat(), self.urgency, str(self.entry_id)]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> EntryCursor:
        """Decodes a cursor, or raises the 422 of a cursor this API did not issue."""
        try:
            month, urgency, entry_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            return cls(date.fromisoformat(month), int(urgency), uuid.UUID(entry_id))
        except (ValueError, TypeError) as exc:
            raise ProblemError(
                422, "request.invalid_cursor", "Invalid cursor", "The cursor is not one this API issued.",
                "分页游标无效。", [Violation("SCHEMA-CURSOR", "cursor", "cursor is malformed", "分页游标格式错误")],
            ) from exc

    @classmethod
    def after(cls, entry: LedgerEntry) -> EntryCursor:
        """Returns the position after an entry."""
        return cls(entry.month, URGENCY.get(entry.status, 9), entry.id)


async def list_page(
    session: AsyncSession, principal: Principal, *, region: str | None, month: date | None,
    status: str | None, registration_id: uuid.UUID | None, limit: int, after: EntryCursor | None,
) -> Sequence[LedgerEntry]:
    """Lists one page (limit + 1 rows) of entries the caller may see, oldest month first and, within a month,
    pending before attempted before the rest: the most urgent first."""
    stmt = readable(principal, region)
    if month is not None:
        stmt = stmt.where(LedgerEntry.month == month)
    if status is not None:
        stmt = stmt.where(LedgerEntry.status == status)
    if registration_id is not None:
        stmt = stmt.where(LedgerEntry.registration_id == registration_id)
    urgency = _urgency()
    if after is not None:
        stmt = stmt.where(tuple_(LedgerEntry.month, urgency, LedgerEntry.id)
                          > tuple_(literal(after.month), literal(after.urgency), literal(after.entry_id)))
    stmt = stmt.order_by(LedgerEntry.month, urgency, LedgerEntry.id).limit(limit + 1)
    return (await session.execute(stmt)).scalars().all()


async def contacts_of_person(session: AsyncSession, person_id: uuid.UUID) -> list[tuple[LedgerContact, date]]:
    """Lists every ledger contact of a person's registrations with the month of its entry, oldest first."""
    rows = await session.execute(
        select(LedgerContact, LedgerEntry.month)
        .join(LedgerEntry, LedgerEntry.id == LedgerContact.entry_id)
        .where(LedgerEntry.person_id == person_id)
        .order_by(LedgerContact.contacted_on, LedgerContact.recorded_at)
    )
    return [(contact, month) for contact, month in rows.all()]


async def contacts_of(session: AsyncSession, entry_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[LedgerContact]]:
    """Gets the contacts of entries, in date order, by entry."""
    found: dict[uuid.UUID, list[LedgerContact]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return found
    rows = await session.scalars(
        select(LedgerContact).where(LedgerContact.entry_id.in_(entry_ids))
        .order_by(LedgerContact.contacted_on, LedgerContact.recorded_at)
    )
    for row in rows:
        found[row.entry_id].append(row)
    return found


async def add_contact(session: AsyncSession, contact: LedgerContact) -> None:
    """Adds a contact."""
    session.add(contact)
    await session.flush()


async def contact_history(session: AsyncSession, registration_id: uuid.UUID
                          ) -> Sequence[tuple[date, str, bool, datetime]]:
    """Returns every contact of a registration as (date, result, refusal justified, when recorded), for
    FU-REFUSAL."""
    rows = await session.execute(
        select(LedgerContact.contacted_on, LedgerContact.result, LedgerContact.refusal_justified,
               LedgerContact.recorded_at)
        .where(LedgerContact.registration_id == registration_id)
        .order_by(LedgerContact.contacted_on, LedgerContact.recorded_at)
    )
    return [(on, str(result), bool(justified), at) for on, result, justified, at in rows]


async def month_closes(session: AsyncSession, months: Sequence[date]) -> dict[date, datetime]:
    """Returns when each of the months was last closed (months never closed are absent)."""
    if not months:
        return {}
    rows = await session.execute(
        select(LedgerMonth.month, LedgerMonth.closed_at)
        .where(LedgerMonth.month.in_(list(set(months))), LedgerMonth.closed_at.is_not(None))
    )
    return {month: closed_at for month, closed_at in rows.all() if closed_at is not None}


def is_closed(closed_at: datetime | None, created_at: datetime, month_closed_at: datetime | None) -> bool:
    """Tells whether an entry is closed: by a close that changed it, or by a close of its month after it was
    made (the Python twin of `entry_open`)."""
    return closed_at is not None or (month_closed_at is not None and created_at <= month_closed_at)


# ---------------------------------------------------------------- coverage


async def coverage_counts(session: AsyncSession, month: date, prefix: str, child_length: int | None
                          ) -> list[tuple[str, str, int]]:
    """Counts a month's entries in a region by (region one level down, status); the child is '' when the
    region has no level below or an entry lies at the region's own level. Reads the per-town counts the
    triggers keep (ledger_count), a few thousand rows for a province, not the entries."""
    child: ColumnElement[str] = (
        func.left(LedgerCount.agency_region_code, child_length) if child_length else literal("")
    )
    stmt = (
        select(child, LedgerCount.status, func.sum(LedgerCount.entries))
        .where(LedgerCount.month == month, in_region(LedgerCount.agency_region_code, prefix))
        .group_by(child, LedgerCount.status)
    )
    return [(str(c), str(s), int(n)) for c, s, n in (await session.execute(stmt)).all() if n]


async def latest_closed_counts(session: AsyncSession) -> tuple[date | None, list[tuple[str, str, int]]]:
    """Returns the last closed month and its entries per county and status, as the close recorded them."""
    month = await session.scalar(select(func.max(LedgerMonthCount.month)))
    if month is None:
        return None, []
    rows = await session.execute(
        select(LedgerMonthCount.region, LedgerMonthCount.status, LedgerMonthCount.entries)
        .where(LedgerMonthCount.month == month).order_by(LedgerMonthCount.region, LedgerMonthCount.status)
    )
    return month, [(str(r), str(s), int(n)) for r, s, n in rows]


async def _one(session: AsyncSession, statement: Any, params: dict[str, Any]) -> tuple[Any, ...]:
    """Runs a statement of one result row and returns its values."""
    return tuple((await session.execute(statement, params)).one())


# ---------------------------------------------------------------- batch: generation

_GENERATE = text("""
WITH batch AS (
    SELECT registration_id, person_id, agency_region_code, deregistered_on
    FROM followup.ledger_registration
    WHERE registration_id > :after AND registered_on <= :month_end
      AND (deregistered_on IS NULL OR deregistered_on >= :month)
    ORDER BY registration_id
    LIMIT :size
), inserted AS (
    INSERT INTO followup.ledger_entry (id, registration_id, person_id, agency_region_code, month, status, due_on)
    SELECT gen_random_uuid(), registration_id, person_id, agency_region_code, :month,
           CASE WHEN deregistered_on IS NOT NULL AND deregistered_on <= :month_end THEN 'ended' ELSE 'pending' END,
           :due_on
    FROM batch
    ON CONFLICT (month, registration_id) DO NOTHING
    RETURNING 1
)
SELECT (SELECT registration_id FROM batch ORDER BY registration_id DESC LIMIT 1),
       (SELECT count(*) FROM batch), (SELECT count(*) FROM inserted)
""")

NIL = uuid.UUID(int=0)


async def generate_chunk(session: AsyncSession, month: date, due_on: date, after: uuid.UUID, size: int
                         ) -> tuple[uuid.UUID | None, int, int]:
    """Creates the entries of the next `size` registrations (by id, after `after`) valid in the month;
    returns the last registration id seen (None when done), how many were seen and how many were new."""
    last, seen, created = await _one(session, _GENERATE, {"after": after, "month": month,
                                                           "month_end": month_end(month), "due_on": due_on,
                                                           "size": size})
    return last, int(seen), int(created)


# ---------------------------------------------------------------- batch: close

_CLOSE = text("""
WITH batch AS (
    SELECT id, registration_id FROM followup.ledger_entry
    WHERE month = :month AND registration_id > :after AND status IN ('pending', 'attempted') AND closed_at IS NULL
    ORDER BY registration_id
    LIMIT :size
), closed AS (
    UPDATE followup.ledger_entry e
    SET status = CASE e.status WHEN 'pending' THEN 'missed' WHEN 'attempted' THEN 'unreachable' ELSE e.status END,
        closed_at = :now, updated_at = :now
    FROM batch b
    WHERE e.id = b.id AND e.closed_at IS NULL
    RETURNING e.status
)
SELECT (SELECT registration_id FROM batch ORDER BY registration_id DESC LIMIT 1),
       (SELECT count(*) FROM batch),
       (SELECT count(*) FROM closed WHERE status = 'missed'),
       (SELECT count(*) FROM closed WHERE status = 'unreachable')
""")

# FU-UNREACHABLE over the registrations of one chunk: unreachable in this month and in each of the
# (months - 1) before it, closed, with no request yet and still registered: one request each, as an event.
_UNREACHABLE = text("""
WITH candidate AS (
    SELECT e.registration_id FROM followup.ledger_entry e
    WHERE e.month = :month AND e.status = 'unreachable' AND e.registration_id > :after
      AND e.registration_id <= :last AND e.agency_region_code = ANY(:regions)
      AND (SELECT count(*) FROM followup.ledger_entry p
           WHERE p.registration_id = e.registration_id AND p.month >= :first_month AND p.month < :month
             AND p.status = 'unreachable' AND p.closed_at IS NOT NULL) = :earlier
), requested AS (
    UPDATE followup.ledger_registration r
    SET requested_reason = 'unreachable', requested_effective_date = :effective, requested_rule = 'FU-UNREACHABLE'
    FROM candidate c
    WHERE r.registration_id = c.registration_id AND r.requested_reason IS NULL AND r.deregistered_on IS NULL
    RETURNING r.registration_id
)
INSERT INTO followup.outbox_event (id, event_type, payload, created_at)
SELECT gen_random_uuid(), :event_type,
       jsonb_build_object(
           'registration_id', registration_id::text, 'reason', 'unreachable',
           'effective_date', to_char(CAST(:effective AS date), 'YYYY-MM-DD'),
           'requested_by', CAST(:requested_by AS text),
           'evidence', jsonb_build_object('rule', 'FU-UNREACHABLE', 'months', CAST(:months AS int),
                                          'last_month', CAST(:month_text AS text)),
           'monthly_income_fen', NULL,
           'note', CAST(:note AS text)),
       :now
FROM requested
RETURNING 1
""")


async def close_chunk(session: AsyncSession, month: date, after: uuid.UUID, size: int, now: datetime
                      ) -> tuple[uuid.UUID | None, int, int, int]:
    """Closes the next `size` entries of the month (by registration id): pending → missed, attempted →
    unreachable (FU-MONTHLY); returns the last registration id seen, entries seen, missed and unreachable."""
    last, seen, missed, unreachable = await _one(session, _CLOSE, {"month": month, "after": after, "size": size,
                                                                   "now": now})
    return last, int(seen), int(missed), int(unreachable)


async def unreachable_regions(session: AsyncSession, month: date, after: uuid.UUID, last: uuid.UUID) -> list[str]:
    """Returns the regions of the chunk's registrations unreachable this month (each region's pack says how
    many months in a row request the deregistration)."""
    rows = await session.scalars(
        select(LedgerEntry.agency_region_code).distinct()
        .where(LedgerEntry.month == month, LedgerEntry.status == EntryStatus.UNREACHABLE.value,
               LedgerEntry.registration_id > after, LedgerEntry.registration_id <= last)
    )
    return [str(region) for region in rows.all()]


async def request_unreachable(
    session: AsyncSession, month: date, first_month: date, months: int, after: uuid.UUID, last: uuid.UUID,
    regions: Sequence[str], requested_by: str, now: datetime, month_label: str,
) -> int:
    """Requests deregistration `unreachable` for the chunk's registrations of `regions` unreachable in `months`
    consecutive closed months ending with `month` (FU-UNREACHABLE), through the outbox; returns how many."""
    result = await session.execute(_UNREACHABLE, {
        "month": month, "first_month": first_month, "earlier": months - 1, "after": after, "last": last,
        "regions": list(regions),
        "effective": month_end(month), "event_type": EventType.FOLLOWUP_DEREGISTRATION_REQUESTED.value,
        "requested_by": requested_by, "months": months, "month_text": month_label, "now": now,
        "note": f"FU-UNREACHABLE: unreachable {months} consecutive months to {month_label}",
    })
    return len(result.all())


async def finish_close(session: AsyncSession, month: date, closed_by: str, now: datetime) -> None:
    """Marks the month closed and records its entries per county and status (reported upward, gauges)."""
    await session.execute(
        # The database's time, as entries' created_at is: an entry made before this instant is closed with it.
        pg_insert(LedgerMonth).values(month=month, closed_at=func.now(), closed_by=closed_by, close_runs=1)
        .on_conflict_do_update(index_elements=[LedgerMonth.month],
                               set_={"closed_at": func.now(), "closed_by": closed_by,
                                     "close_runs": LedgerMonth.close_runs + 1})
    )
    await session.execute(text("DELETE FROM followup.ledger_month_count WHERE month = :month"), {"month": month})
    await session.execute(text("""
        INSERT INTO followup.ledger_month_count (month, region, status, entries, recorded_at)
        SELECT month, left(agency_region_code, 6), status, sum(entries), :now
        FROM followup.ledger_count WHERE month = :month AND entries <> 0
        GROUP BY month, left(agency_region_code, 6), status
    """), {"month": month, "now": now})


async def month_counts_by(session: AsyncSession, month: date, length: int) -> list[tuple[str, str, int]]:
    """Returns a closed month's entries by region (the first `length` digits of the county) and status."""
    region = func.left(LedgerMonthCount.region, length)  # one expression, so one bound parameter
    rows = await session.execute(
        select(region, LedgerMonthCount.status, func.sum(LedgerMonthCount.entries))
        .where(LedgerMonthCount.month == month)
        .group_by(region, LedgerMonthCount.status)
    )
    return [(str(r), str(s), int(str(n))) for r, s, n in rows]


# ---------------------------------------------------------------- batch: data match


async def open_entries_chunk(session: AsyncSession, month: date, after: uuid.UUID, size: int
                             ) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
    """Returns the next `size` open entries of the month without a data-match contact yet, by registration
    id: (entry id, registration id, person id)."""
    rows = await session.execute(
        select(LedgerEntry.id, LedgerEntry.registration_id, LedgerEntry.person_id)
        .where(LedgerEntry.month == month, LedgerEntry.registration_id > after, entry_open(),
               LedgerEntry.status != EntryStatus.ENDED.value, LedgerEntry.data_matched_on.is_(None))
        .order_by(LedgerEntry.registration_id)
        .limit(size)
    )
    return [(a, b, c) for a, b, c in rows.all()]


_MATCH_CONTACTS = text("""
WITH input AS (
    SELECT * FROM unnest(CAST(:entry_ids AS uuid[]), CAST(:registration_ids AS uuid[]),
                         CAST(:statuses AS text[]), CAST(:reasons AS text[]), CAST(:dates AS date[]))
        AS t(entry_id, registration_id, employment_status, reason, contacted_on)
), contacts AS (
    INSERT INTO followup.ledger_contact (id, entry_id, registration_id, method, contacted_on, result,
        refusal_justified, employment_status, note, recorded_by, recorded_at, deregistration_reason,
        deregistration_rule, deregistration_effective_date)
    SELECT gen_random_uuid(), entry_id, registration_id, 'data_match', contacted_on, 'reached', false,
           employment_status, :note, :recorded_by, :now, reason,
           CASE WHEN reason IS NULL THEN NULL ELSE 'FU-DATA-MATCH' END,
           CASE WHEN reason IS NULL THEN NULL ELSE contacted_on END
    FROM input
    RETURNING 1
), entries AS (
    UPDATE followup.ledger_entry e
    SET status = 'contacted', first_contacted_on = LEAST(e.first_contacted_on, i.contacted_on),
        attempts = e.attempts + 1, data_matched_on = i.contacted_on, updated_at = :now
    FROM input i WHERE e.id = i.entry_id
    RETURNING 1
), requested AS (
    UPDATE followup.ledger_registration r
    SET requested_reason = i.reason, requested_effective_date = i.contacted_on, requested_rule = 'FU-DATA-MATCH'
    FROM input i
    WHERE i.reason IS NOT NULL AND r.registration_id = i.registration_id AND r.requested_reason IS NULL
      AND r.deregistered_on IS NULL
    RETURNING r.registration_id, i.reason, i.contacted_on, i.employment_status
), events AS (
    INSERT INTO followup.outbox_event (id, event_type, payload, created_at)
    SELECT gen_random_uuid(), :event_type,
           jsonb_build_object(
               'registration_id', registration_id::text, 'reason', reason,
               'effective_date', to_char(contacted_on, 'YYYY-MM-DD'), 'requested_by', CAST(:recorded_by AS text),
               'evidence', jsonb_build_object('rule', 'FU-DATA-MATCH', 'employment_status', employment_status,
                                              'month', CAST(:month_text AS text)),
               'monthly_income_fen', NULL, 'note', 'FU-DATA-MATCH: reference data match'),
           :now
    FROM requested
    RETURNING 1
)
SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM entries), (SELECT count(*) FROM events)
""")


async def record_data_matches(
    session: AsyncSession, rows: Sequence[tuple[uuid.UUID, uuid.UUID, str, str | None, date]], *,
    recorded_by: str, now: datetime, month_label: str,
) -> tuple[int, int]:
    """Records one data-match contact per row (entry, registration, status, deregistration reason, date),
    marks the entries contacted and requests each deregistration found, once, through the outbox; returns
    (contacts recorded, deregistrations requested). One statement for the whole chunk."""
    if not rows:
        return 0, 0
    contacts, _, events = await _one(session, _MATCH_CONTACTS, {
            "entry_ids": [r[0] for r in rows], "registration_ids": [r[1] for r in rows],
            "statuses": [r[2] for r in rows], "reasons": [r[3] for r in rows], "dates": [r[4] for r in rows],
            "note": "FU-DATA-MATCH: compared with social insurance, pension, business and civil-affairs data",
            "recorded_by": recorded_by, "now": now, "event_type": EventType.FOLLOWUP_DEREGISTRATION_REQUESTED.value,
            "month_text": month_label,
        })
    return int(contacts), int(events)


# ---------------------------------------------------------------- export / import


def export_statement(principal: Principal, month: date, region: str | None) -> Select[*tuple[Any, ...]]:
    """Returns the export's rows of a month in a region, in a stable order."""
    stmt: Select[*tuple[Any, ...]] = (
        select(LedgerEntry.id, LedgerEntry.registration_id, LedgerEntry.person_id, LedgerEntry.agency_region_code,
               LedgerEntry.month, LedgerEntry.status, LedgerEntry.due_on, LedgerEntry.first_contacted_on)
        .where(LedgerEntry.month == month,
               in_region(LedgerEntry.agency_region_code, scope_region(principal, region)))
        .order_by(LedgerEntry.agency_region_code, LedgerEntry.registration_id)
    )
    return stmt


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """What an import needs of an entry it names: its state, month and registration date."""

    entry_id: uuid.UUID
    registration_id: uuid.UUID
    agency_region_code: str
    month: date
    status: str
    closed: bool
    first_contacted_on: date | None
    attempts: int
    registered_on: date
    person_id: uuid.UUID


async def entries_for_import(session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
                             ) -> dict[uuid.UUID, ImportTarget]:
    """Gets, locked, the entries an import names that the caller may see (plain values, not ORM rows)."""
    if not ids:
        return {}
    scope = scope_region(principal, None)
    rows = await session.execute(
        select(LedgerEntry.id, LedgerEntry.registration_id, LedgerEntry.agency_region_code, LedgerEntry.month,
               LedgerEntry.status, ~entry_open(), LedgerEntry.first_contacted_on, LedgerEntry.attempts,
               LedgerRegistration.registered_on, LedgerEntry.person_id)
        .join(LedgerRegistration, LedgerRegistration.registration_id == LedgerEntry.registration_id)
        .where(LedgerEntry.id.in_(ids), in_region(LedgerEntry.agency_region_code, scope))
        .with_for_update(of=LedgerEntry)
    )
    return {
        row[0]: ImportTarget(row[0], row[1], row[2], row[3], str(row[4]), bool(row[5]), row[6], int(row[7]), row[8],
                             row[9])
        for row in rows.all()
    }


async def insert_contacts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts many contacts in one statement."""
    if rows:
        await session.execute(pg_insert(LedgerContact), list(rows))


_APPLY_ENTRIES = text("""
UPDATE followup.ledger_entry e
SET status = i.status, first_contacted_on = i.first_contacted_on, attempts = i.attempts, updated_at = :now
FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:firsts AS date[]), CAST(:attempts AS int[]))
    AS i(id, status, first_contacted_on, attempts)
WHERE e.id = i.id
""")


async def apply_entry_states(session: AsyncSession, states: Sequence[tuple[uuid.UUID, str, date | None, int]],
                             now: datetime) -> None:
    """Writes the new (status, first contact date, attempts) of many entries in one statement."""
    if not states:
        return
    await session.execute(_APPLY_ENTRIES, {
        "ids": [s[0] for s in states], "statuses": [s[1] for s in states], "firsts": [s[2] for s in states],
        "attempts": [s[3] for s in states], "now": now,
    })
