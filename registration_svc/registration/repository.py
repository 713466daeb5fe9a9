"""Queries on persons and registrations."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Table, bindparam, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.models.person import Person
from registration_svc.models.registration import VALID_REGISTRATION_WHERE, Registration
from registration_svc.registration.rules import RegistrationStatus
from shared.db import DriverConnection, DriverStatement, detached, driver_sql

PERSON: Table = Person.__table__  # type: ignore[assignment]
REGISTRATION: Table = Registration.__table__  # type: ignore[assignment]

# Built once: a prepared Core statement keeps its cache key, so each request only binds values.
_INSERT_PERSON = (
    pg_insert(PERSON).on_conflict_do_nothing(index_elements=[PERSON.c.id_number]).returning(*PERSON.c)
)
_SELECT_PERSON = select(*PERSON.c).where(PERSON.c.id_number == bindparam("id_number"))
# REG-DUPLICATE: the partial unique index is the arbiter, so losing a race returns no row instead of
# aborting the transaction.
_INSERT_REGISTRATION = (
    pg_insert(REGISTRATION)
    .on_conflict_do_nothing(
        index_elements=[REGISTRATION.c.person_id],
        index_where=text(VALID_REGISTRATION_WHERE),
    )
    .returning(REGISTRATION.c.id)
)


# What an application writes of a person; the timestamps take their server defaults.
PERSON_VALUE_KEYS = (
    "id_type", "id_number", "name", "gender", "birth_date", "phone", "hukou_region_code", "hukou_type",
    "residence_region_code", "residence_type",
)
_INSERT_PERSON_ON = DriverStatement(_INSERT_PERSON, ("id", *PERSON_VALUE_KEYS))
_SELECT_PERSON_ON = DriverStatement(_SELECT_PERSON)
_PERSON_KEYS = tuple(PERSON.c.keys())
_VALID_STATUS_ON = DriverStatement(
    select(REGISTRATION.c.status).where(
        REGISTRATION.c.person_id == bindparam("person_id"), text(VALID_REGISTRATION_WHERE)
    )
)


@cache
def _update_on(table: Table, keys: tuple[str, ...]) -> DriverStatement:
    # One compiled UPDATE per set of changed columns: there are few such sets.
    return DriverStatement(
        update(table).where(table.c.id == bindparam("w_id")).values({k: bindparam(k) for k in keys})
    )


@cache
def _insert_registration_on(keys: tuple[str, ...]) -> DriverStatement:
    return DriverStatement(_INSERT_REGISTRATION, keys)


async def insert_or_get_person(connection: DriverConnection, values: Mapping[str, object]) -> Person:
    """Inserts a person unless one with the number exists (a concurrent insert waits here); returns the
    stored row, as it was before this application, detached from any session."""
    row = await _INSERT_PERSON_ON.fetchrow(connection, {"id": uuid.uuid4(), **values})
    if row is None:
        row = await _SELECT_PERSON_ON.fetchrow(connection, {"id_number": values["id_number"]})
    assert row is not None
    return detached(Person, dict(zip(_PERSON_KEYS, row, strict=True)))


async def update_person(connection: DriverConnection, person_id: uuid.UUID, values: Mapping[str, object]) -> None:
    """Writes changed fields of a person."""
    await _update_on(PERSON, tuple(values)).execute(connection, {"w_id": person_id, **values})


async def insert_registration(connection: DriverConnection, values: Mapping[str, object]) -> bool:
    """Inserts a registration; returns False, writing nothing, if the person already has a valid one."""
    return await _insert_registration_on(tuple(values)).fetchrow(connection, values) is not None


async def update_registration(
    connection: DriverConnection, registration_id: uuid.UUID, values: Mapping[str, object]
) -> None:
    """Writes changed fields of a registration."""
    await _update_on(REGISTRATION, tuple(values)).execute(connection, {"w_id": registration_id, **values})


async def valid_registration_status(connection: DriverConnection, person_id: uuid.UUID) -> str | None:
    """Returns the status of the person's registered or pending registration, if any (REG-DUPLICATE)."""
    row = await _VALID_STATUS_ON.fetchrow(connection, {"person_id": person_id})
    return None if row is None else str(row[0])


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


_REGISTRATION_KEYS = tuple(REGISTRATION.c.keys())
_READ = (
    select(*REGISTRATION.c, *(c.label(f"person_{c.key}") for c in PERSON.c))
    .join_from(REGISTRATION, PERSON, PERSON.c.id == REGISTRATION.c.person_id)
    .where(REGISTRATION.c.id == bindparam("registration_id"))
)


_READ_SQL, _READ_PARAMS = driver_sql(_READ)
assert _READ_PARAMS == ("registration_id",)


async def read_registration(
    reader: DriverConnection, registration_id: uuid.UUID
) -> tuple[Registration, Person] | None:
    """Gets a registration with its person for reading: one statement, no transaction, detached objects."""
    row = await reader.fetchrow(_READ_SQL, registration_id)
    if row is None:
        return None
    split = len(_REGISTRATION_KEYS)
    return (
        detached(Registration, dict(zip(_REGISTRATION_KEYS, row[:split], strict=True))),
        detached(Person, dict(zip(_PERSON_KEYS, row[split:], strict=True))),
    )


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


async def pending_with_estimated_deadline(session: AsyncSession) -> Sequence[Registration]:
    """Gets, locked, the pending registrations whose decision_due was estimated."""
    stmt = (
        select(Registration)
        .where(
            Registration.status == RegistrationStatus.PENDING_VERIFICATION.value,
            Registration.deadline_estimated.is_(True),
        )
        .order_by(Registration.applied_at)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().all()


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
