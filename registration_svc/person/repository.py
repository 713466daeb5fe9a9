"""Queries on persons: the registry that turns an identity number into a person_id."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.person.models import Person

# Built once, the values passed at execution: a statement with its values written in would be built and
# keyed for the cache anew on every request (measured: most of a registration's server time).
_INSERT_PERSON = pg_insert(Person).on_conflict_do_nothing(index_elements=[Person.id_number]).returning(Person)


async def insert_or_get_person(session: AsyncSession, values: Mapping[str, object]) -> tuple[Person, bool]:
    """Inserts a person unless one with the number exists (a concurrent insert waits here); returns the
    stored person, as it was before this call, and whether it was created now."""
    person = (await session.scalars(_INSERT_PERSON, [{"id": uuid.uuid4(), **values}])).first()
    if person is not None:
        return person, True
    person = await session.scalar(select(Person).where(Person.id_number == values["id_number"]))
    assert person is not None
    return person, False


async def get_person(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    """Gets a person by id."""
    return await session.get(Person, person_id)
