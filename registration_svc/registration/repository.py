"""Queries on persons and registrations."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.person.models import Person
from registration_svc.registration.models import VALID_REGISTRATION_WHERE, Registration, RegistrationStatus
from shared.auth import Principal, Role, scope_region
from shared.identity import normalize_id_number
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


async def insert_or_get_person(session: AsyncSession, values: Mapping[str, object]) -> Person:
    """Inserts a person unless one with the number exists (a concurrent insert waits here); returns the
    stored person, as it was before this application."""
    person = await session.scalar(
        pg_insert(Person)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=[Person.id_number])
        .returning(Person)
    )
    if person is None:
        person = await session.scalar(select(Person).where(Person.id_number == values["id_number"]))
    assert person is not None
    return person


# Built once, values passed at execution (see person.repository._INSERT_PERSON).
_INSERT_REGISTRATION = (
    pg_insert(Registration)
    .on_conflict_do_nothing(index_elements=[Registration.person_id], index_where=text(VALID_REGISTRATION_WHERE))
    .returning(Registration)
)


async def insert_registration(session: AsyncSession, values: Mapping[str, object]) -> Registration | None:
    """Inserts a registration and returns it; returns None, writing nothing, if the person already has a
    valid one (REG-DUPLICATE: the partial unique index is the arbiter, so losing a race to a concurrent
    request returns no row instead of aborting the transaction)."""
    return (await session.scalars(_INSERT_REGISTRATION, [dict(values)])).first()


async def valid_registration_status(session: AsyncSession, person_id: uuid.UUID) -> tuple[str, str] | None:
    """Returns the status and agency region of the person's registered or pending registration, if any
    (REG-DUPLICATE)."""
    row = (
        await session.execute(
            select(Registration.status, Registration.agency_region_code).where(
                Registration.person_id == person_id, text(VALID_REGISTRATION_WHERE)
            )
        )
    ).first()
    return None if row is None else (str(row[0]), str(row[1]))


async def latest_contact_address(session: AsyncSession, person_id: uuid.UUID) -> str | None:
    """Returns the postal address of the person's latest registration that gave one, if any."""
    found = await session.scalar(
        select(Registration.contact_address)
        .where(Registration.person_id == person_id, Registration.contact_address.is_not(None))
        .order_by(Registration.applied_at.desc()).limit(1)
    )
    return None if found is None else str(found)


def readable(principal: Principal, region_prefix: str | None = None) -> Select[Registration, Person]:
    """Returns the registrations (with their persons) the caller may see: a citizen their own, staff those
    of their region or of `region_prefix` inside it (T-REGION, 403 outside), a system all of them."""
    statement = select(Registration, Person).join(Person, Person.id == Registration.person_id)
    if principal.role is Role.CITIZEN:
        return statement.where(Person.id_number == normalize_id_number(principal.sub))
    return statement.where(in_region(Registration.agency_region_code, scope_region(principal, region_prefix)))


async def get_readable(
    session: AsyncSession, principal: Principal, registration_id: uuid.UUID
) -> tuple[Registration, Person] | None:
    """Gets a registration the caller may see, with its person; None when missing or out of scope alike."""
    row = (await session.execute(readable(principal).where(Registration.id == registration_id))).first()
    return None if row is None else (row[0], row[1])


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


async def registration_facts(
    session: AsyncSession,
    principal: Principal,
    *,
    person_ids: Sequence[uuid.UUID],
    status: RegistrationStatus | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """Lists registration facts with the person's gender, birth date and household, in registration-id
    order after `after` (one more than `limit`), within the caller's region."""
    stmt = (
        select(
            Registration.id, Registration.person_id, Registration.status, Registration.agency_region_code,
            Registration.registered_on, Person.gender, Person.birth_date, Registration.hukou_region_code,
            Registration.hukou_type, Registration.disability_certificate_number.is_not(None),
            Registration.deregistration_reason, Registration.deregistration_effective_date,
        )
        .join(Person, Person.id == Registration.person_id)
        .where(in_region(Registration.agency_region_code, scope_region(principal, None)))
    )
    if person_ids:
        stmt = stmt.where(Registration.person_id.in_(person_ids))
    if status is not None:
        stmt = stmt.where(Registration.status == status.value)
    if after is not None:
        stmt = stmt.where(Registration.id > after)
    return [tuple(row) for row in await session.execute(stmt.order_by(Registration.id).limit(limit + 1))]


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a list of registrations is restricted to."""

    region_prefix: str | None = None
    id_number: str | None = None
    status: RegistrationStatus | None = None
    channel: str | None = None
    name: str | None = None
    applied_from: date | None = None
    applied_to: date | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    zone: str = "Asia/Shanghai"  # whose local day applied_from / applied_to mean


async def list_registrations(
    session: AsyncSession, principal: Principal, flt: ListFilter, page: PageRequest
) -> Sequence[Row[Registration, Person]]:
    """Lists one page of the registrations the caller may see, with their persons, oldest first."""
    stmt = readable(principal, flt.region_prefix)
    if flt.id_number is not None:
        stmt = stmt.where(Person.id_number == flt.id_number)
    if flt.status is not None:
        stmt = stmt.where(Registration.status == flt.status.value)
    if flt.channel is not None:
        stmt = stmt.where(Registration.channel == flt.channel)
    if flt.name is not None:
        # A part of the name, as a caseworker types it; LIKE's wildcards in it are taken literally.
        pattern = flt.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Person.name.ilike(f"%{pattern}%", escape="\\"))
    # Dates are local days of the service's zone; applied_at is compared by its local day.
    applied_on = func.date(func.timezone(flt.zone, Registration.applied_at))
    if flt.applied_from is not None:
        stmt = stmt.where(applied_on >= flt.applied_from)
    if flt.applied_to is not None:
        stmt = stmt.where(applied_on <= flt.applied_to)
    if flt.registered_from is not None:
        stmt = stmt.where(Registration.registered_on >= flt.registered_from)
    if flt.registered_to is not None:
        stmt = stmt.where(Registration.registered_on <= flt.registered_to)
    return (await session.execute(keyset(stmt, Registration.created_at, Registration.id, page))).all()


async def pending_with_estimated_deadline(session: AsyncSession) -> Sequence[Registration]:
    """Gets, locked, the pending registrations whose decision_due was estimated."""
    stmt = (
        select(Registration)
        .where(
            Registration.status == RegistrationStatus.PENDING_VERIFICATION,
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
            Registration.status == RegistrationStatus.PENDING_VERIFICATION,
            Registration.decision_due < today,
            Registration.overdue.is_(False),
        )
        .values(overdue=True, overdue_flagged_at=now, updated_at=now)
        .returning(Registration.id, Registration.agency_region_code, Registration.decision_due)
    )
    return (await session.execute(stmt)).all()
