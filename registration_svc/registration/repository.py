"""Queries on persons and registrations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.models.person import Person
from registration_svc.models.registration import Registration
from registration_svc.registration.rules import VALID_STATUSES, RegistrationStatus


async def get_person_by_id_number(session: AsyncSession, id_number: str) -> Person | None:
    """Gets the person with an identity number."""
    return (await session.execute(select(Person).where(Person.id_number == id_number))).scalar_one_or_none()


async def insert_person_if_absent(session: AsyncSession, values: dict[str, object]) -> Person:
    """Inserts a person unless one with the number exists (a concurrent insert waits here), then loads it."""
    await session.execute(
        pg_insert(Person)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=[Person.id_number])
    )
    person = await get_person_by_id_number(session, str(values["id_number"]))
    assert person is not None
    return person


async def find_valid_registration(session: AsyncSession, person_id: uuid.UUID) -> Registration | None:
    """Gets the person's registered or pending registration, if any (REG-DUPLICATE)."""
    return (
        await session.execute(
            select(Registration).where(
                Registration.person_id == person_id,
                Registration.status.in_([s.value for s in VALID_STATUSES]),
            )
        )
    ).scalar_one_or_none()


async def get_registration(
    session: AsyncSession, registration_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Registration, Person] | None:
    """Gets a registration with its person; `for_update` locks the registration row."""
    stmt = (
        select(Registration, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.id == registration_id)
    )
    if for_update:
        stmt = stmt.with_for_update(of=Registration)
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a list of registrations is restricted to."""

    region_prefix: str | None = None
    id_number: str | None = None
    status: RegistrationStatus | None = None
    channel: str | None = None


async def list_registrations(
    session: AsyncSession, flt: ListFilter, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> Sequence[tuple[Registration, Person]]:
    """Lists registrations in (created_at, id) order after a keyset position; returns up to limit + 1 rows."""
    stmt = select(Registration, Person).join(Person, Person.id == Registration.person_id)
    if flt.region_prefix:
        stmt = stmt.where(Registration.agency_region_code.startswith(flt.region_prefix, autoescape=True))
    if flt.id_number is not None:
        stmt = stmt.where(Person.id_number == flt.id_number)
    if flt.status is not None:
        stmt = stmt.where(Registration.status == flt.status.value)
    if flt.channel is not None:
        stmt = stmt.where(Registration.channel == flt.channel)
    if after is not None:
        stmt = stmt.where(tuple_(Registration.created_at, Registration.id) > tuple_(*after))
    stmt = stmt.order_by(Registration.created_at, Registration.id).limit(limit + 1)
    return (await session.execute(stmt)).all()


async def flag_overdue(
    session: AsyncSession, today: date, now: datetime
) -> Sequence[tuple[uuid.UUID, str, date]]:
    """Marks pending registrations whose decision_due has passed; returns those newly marked."""
    stmt = (
        update(Registration)
        .where(
            Registration.status == RegistrationStatus.PENDING_VERIFICATION.value,
            Registration.decision_due < today,
            Registration.overdue.is_(False),
        )
        .values(overdue=True, overdue_flagged_at=now, updated_at=now)
        .returning(Registration.id, Registration.agency_region_code, Registration.decision_due)
    )
    return (await session.execute(stmt)).all()
