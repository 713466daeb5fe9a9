"""Queries of verification: reference records and batches, home-visit tasks."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, delete, func, insert, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.person.models import Person
from registration_svc.verification.models import (
    HomeVisitStatus,
    HomeVisitTask,
    ReferenceBatch,
    ReferenceRecord,
)
from registration_svc.verification.reference_csv import ReferenceRow
from shared.auth import Principal, scope_region
from shared.pagination import PageRequest, keyset
from shared.regions import in_region

INSERT_CHUNK = 5000


@dataclass(frozen=True)
class KindCount:
    """How many records of one kind and status a source holds."""

    kind: str
    status: str
    count: int


async def records_of(session: AsyncSession, source: str, id_number: str) -> Sequence[ReferenceRecord]:
    """Gets a source's records about one identity number, the latest first."""
    return (
        await session.scalars(
            select(ReferenceRecord)
            .where(ReferenceRecord.id_number == id_number, ReferenceRecord.source == source)
            .order_by(ReferenceRecord.valid_from.desc().nulls_last(), ReferenceRecord.id)
        )
    ).all()


async def latest_batch(session: AsyncSession, source: str) -> ReferenceBatch | None:
    """Gets the current (latest) load of a source, if it was ever loaded."""
    return await session.scalar(
        select(ReferenceBatch).where(ReferenceBatch.source == source)
        .order_by(ReferenceBatch.loaded_at.desc(), ReferenceBatch.id.desc()).limit(1)
    )


async def source_loaded(session: AsyncSession, source: str) -> bool:
    """Tells whether a source has any data loaded."""
    return await session.scalar(select(ReferenceRecord.id).where(ReferenceRecord.source == source).limit(1)) is not None


async def lock_source(session: AsyncSession, source: str) -> None:
    """Serializes replacements of one source until the transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                          {"key": f"registration.reference_data:{source}"})


async def replace_records(
    session: AsyncSession, batch: ReferenceBatch, rows: Sequence[ReferenceRow]
) -> None:
    """Replaces every record of the batch's source with the given rows, in the caller's transaction."""
    await session.execute(delete(ReferenceRecord).where(ReferenceRecord.source == batch.source))
    session.add(batch)
    await session.flush()
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start:start + INSERT_CHUNK]
        await session.execute(
            insert(ReferenceRecord),
            [
                {"source": batch.source, "id_number": row.id_number, "kind": row.kind,
                 "status": row.status.value, "valid_from": row.valid_from, "valid_to": row.valid_to,
                 "detail": row.detail, "loaded_at": batch.loaded_at, "batch_id": batch.id}
                for row in chunk
            ],
        )


async def kind_counts(session: AsyncSession, source: str) -> list[KindCount]:
    """Counts a source's records by kind and status."""
    result = await session.execute(
        select(ReferenceRecord.kind, ReferenceRecord.status, func.count())
        .where(ReferenceRecord.source == source)
        .group_by(ReferenceRecord.kind, ReferenceRecord.status)
        .order_by(ReferenceRecord.kind, ReferenceRecord.status)
    )
    return [KindCount(kind, status, count) for kind, status, count in result]


async def insert_open_task(session: AsyncSession, values: Mapping[str, object]) -> uuid.UUID:
    """Inserts an open task, or returns the id of the registration's task that is already open."""
    created = await session.scalar(
        pg_insert(HomeVisitTask)
        .values(**values, status=HomeVisitStatus.OPEN.value)
        .on_conflict_do_nothing(index_elements=[HomeVisitTask.registration_id], index_where=text("status = 'open'"))
        .returning(HomeVisitTask.id)
    )
    if created is not None:
        return created
    existing = await session.scalar(
        select(HomeVisitTask.id).where(
            HomeVisitTask.registration_id == values["registration_id"],
            HomeVisitTask.status == HomeVisitStatus.OPEN.value,
        )
    )
    assert existing is not None, "the conflicting open task exists in this transaction's snapshot"
    return existing


async def get_task(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> HomeVisitTask | None:
    """Gets a task the caller may see by id, optionally locking it; None when missing or out of scope."""
    query = readable_tasks(principal).where(HomeVisitTask.id == task_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


def readable_tasks(principal: Principal, region: str | None = None) -> Select[HomeVisitTask]:
    """Returns the home-visit tasks the caller may see: those of their region, or of `region` inside it."""
    return select(HomeVisitTask).where(
        in_region(HomeVisitTask.agency_region_code, scope_region(principal, region))
    )


async def list_tasks(
    session: AsyncSession, principal: Principal, region: str | None, status: HomeVisitStatus, page: PageRequest
) -> Sequence[HomeVisitTask]:
    """Lists one page of the tasks of a status that the caller may see, oldest first."""
    query = readable_tasks(principal, region).where(HomeVisitTask.status == status)
    return (await session.scalars(keyset(query, HomeVisitTask.created_at, HomeVisitTask.id, page))).all()


async def tasks_of_registration(session: AsyncSession, registration_id: uuid.UUID) -> Sequence[HomeVisitTask]:
    """Lists a registration's tasks, newest first."""
    result = await session.scalars(
        select(HomeVisitTask).where(HomeVisitTask.registration_id == registration_id)
        .order_by(HomeVisitTask.created_at.desc(), HomeVisitTask.id.desc())
    )
    return result.all()



async def matches_for_persons(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], on: date, kinds: Sequence[str] | None
) -> list[tuple[uuid.UUID, str, str, date | None, date | None]]:
    """Returns the active reference records in force on `on` about the persons (by their identity numbers),
    for a peer's data match in bulk: (person id, source, kind, valid from, valid to). One query."""
    stmt = (
        select(Person.id, ReferenceRecord.source, ReferenceRecord.kind, ReferenceRecord.valid_from,
               ReferenceRecord.valid_to)
        .join(ReferenceRecord, ReferenceRecord.id_number == Person.id_number)
        .where(Person.id.in_(person_ids), ReferenceRecord.status == "active",
               or_(ReferenceRecord.valid_from.is_(None), ReferenceRecord.valid_from <= on),
               or_(ReferenceRecord.valid_to.is_(None), ReferenceRecord.valid_to >= on))
        .order_by(Person.id, ReferenceRecord.source, ReferenceRecord.kind)
    )
    if kinds:
        stmt = stmt.where(ReferenceRecord.kind.in_(kinds))
    return [(p, str(s), str(k), f, t) for p, s, k, f, t in (await session.execute(stmt)).all()]
