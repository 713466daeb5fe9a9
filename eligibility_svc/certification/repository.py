"""Queries of the certification workflow; the only module that builds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Select, Table, any_, bindparam, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from eligibility_svc.certification.models import (
    OPEN_STATUSES,
    ApplicationStatus,
    CertificationStatus,
    DecisionStep,
    DifficultyApplication,
    DifficultyCertification,
    DifficultyDecision,
    DifficultyObjection,
    DifficultyReview,
    ReviewStatus,
    ScreeningCandidate,
)
from shared.auth import Principal, Role, scope_region
from shared.db import in_chunks
from shared.identity import normalize_id_number
from shared.pagination import PageRequest, keyset
from shared.regions import in_region


def readable(principal: Principal, region: str | None = None) -> Select[DifficultyApplication]:
    """Returns the applications the caller may see: a citizen their own (filed by them, or for them at the
    window: the token's subject is their identity number), staff those of their region (or of `region` inside
    it, T-REGION), a system all."""
    stmt = select(DifficultyApplication)
    if principal.role is Role.CITIZEN:
        return stmt.where(or_(DifficultyApplication.created_by == principal.sub,
                              DifficultyApplication.id_number == normalize_id_number(principal.sub)))
    return stmt.where(in_region(DifficultyApplication.agency_region_code, scope_region(principal, region)))


async def get_application(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, *, for_update: bool = False
) -> DifficultyApplication | None:
    """Gets an application the caller may see, optionally locked; None when missing or out of scope."""
    stmt = readable(principal).where(DifficultyApplication.id == application_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_application_for_objection(
    session: AsyncSession, application_id: uuid.UUID
) -> DifficultyApplication | None:
    """Gets, locked, any application by id: anyone may object to an application in public notice."""
    stmt = select(DifficultyApplication).where(DifficultyApplication.id == application_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def open_application_of(session: AsyncSession, person_id: uuid.UUID) -> DifficultyApplication | None:
    """Gets the person's open application, if any (DIFF-DUPLICATE)."""
    stmt = select(DifficultyApplication).where(
        DifficultyApplication.person_id == person_id, DifficultyApplication.status.in_(OPEN_STATUSES)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_certification_of(session: AsyncSession, person_id: uuid.UUID) -> DifficultyCertification | None:
    """Gets the person's active certification, if any."""
    stmt = select(DifficultyCertification).where(
        DifficultyCertification.person_id == person_id, DifficultyCertification.status == CertificationStatus.ACTIVE
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def lock_person(session: AsyncSession, person_id: uuid.UUID) -> None:
    """Serializes applications and certifications of one person until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"difficulty.person:{person_id}"}
    )


async def objections_of(session: AsyncSession, application_id: uuid.UUID) -> Sequence[DifficultyObjection]:
    """Lists an application's objections in the order received."""
    stmt = (
        select(DifficultyObjection)
        .where(DifficultyObjection.application_id == application_id)
        .order_by(DifficultyObjection.received_on, DifficultyObjection.created_at)
    )
    return (await session.execute(stmt)).scalars().all()


async def decisions_of(session: AsyncSession, application_id: uuid.UUID) -> Sequence[DifficultyDecision]:
    """Lists an application's decisions in the order they were made: by the day decided, then when recorded,
    and on one instant (a fixed clock, a batch) the preliminary review before the certification."""
    stmt = (
        select(DifficultyDecision)
        .where(DifficultyDecision.application_id == application_id)
        .order_by(DifficultyDecision.decided_on, DifficultyDecision.created_at,
                  DifficultyDecision.step == DecisionStep.CERTIFICATION.value, DifficultyDecision.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def certification_of_application(
    session: AsyncSession, application_id: uuid.UUID
) -> DifficultyCertification | None:
    """Gets the certification an application led to, if any."""
    stmt = select(DifficultyCertification).where(DifficultyCertification.application_id == application_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_applications(
    session: AsyncSession, principal: Principal, *, region: str | None, status: str | None, page: PageRequest
) -> Sequence[DifficultyApplication]:
    """Lists one page of the applications the caller may see, oldest first."""
    stmt = readable(principal, region)
    if status is not None:
        stmt = stmt.where(DifficultyApplication.status == status)
    stmt = keyset(stmt, DifficultyApplication.created_at, DifficultyApplication.id, page)
    return (await session.execute(stmt)).scalars().all()


def readable_certifications(principal: Principal, region: str | None = None) -> Select[DifficultyCertification]:
    """Returns the certifications of the caller's region (or of `region` inside it)."""
    return select(DifficultyCertification).where(
        in_region(DifficultyCertification.agency_region_code, scope_region(principal, region))
    )


async def list_certifications(
    session: AsyncSession, principal: Principal, *, region: str | None, status: str | None, page: PageRequest
) -> Sequence[DifficultyCertification]:
    """Lists one page of the certifications the caller may see, oldest first."""
    stmt = readable_certifications(principal, region)
    if status is not None:
        stmt = stmt.where(DifficultyCertification.status == status)
    stmt = keyset(stmt, DifficultyCertification.created_at, DifficultyCertification.id, page)
    return (await session.execute(stmt)).scalars().all()


async def get_certification(
    session: AsyncSession, principal: Principal, certification_id: uuid.UUID
) -> DifficultyCertification | None:
    """Gets, locked, a certification the caller may see."""
    stmt = readable_certifications(principal).where(DifficultyCertification.id == certification_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def certification_on(session: AsyncSession, person_id: uuid.UUID, on: date) -> DifficultyCertification | None:
    """Gets the certification of a person in force on a date (certified on or before, not ended by then)."""
    stmt = (
        select(DifficultyCertification)
        .where(
            DifficultyCertification.person_id == person_id,
            DifficultyCertification.certified_on <= on,
            or_(DifficultyCertification.ended_on.is_(None), DifficultyCertification.ended_on > on),
        )
        .order_by(DifficultyCertification.certified_on.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_certifications_of(session: AsyncSession, person_id: uuid.UUID) -> Sequence[DifficultyCertification]:
    """Lists, locked, a person's active certifications (at most one)."""
    stmt = (
        select(DifficultyCertification)
        .where(DifficultyCertification.person_id == person_id,
               DifficultyCertification.status == CertificationStatus.ACTIVE)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().all()


async def active_reaching_retirement(session: AsyncSession, today: date) -> Sequence[DifficultyCertification]:
    """Lists, locked, active certifications whose holder has reached the statutory retirement date."""
    stmt = (
        select(DifficultyCertification)
        .where(DifficultyCertification.status == CertificationStatus.ACTIVE,
               DifficultyCertification.retirement_date <= today)
        .order_by(DifficultyCertification.retirement_date, DifficultyCertification.id)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def active_certifications_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> Sequence[DifficultyCertification]:
    """Lists one chunk of active certifications in id order (the quarterly review's batches)."""
    stmt = select(DifficultyCertification).where(DifficultyCertification.status == CertificationStatus.ACTIVE)
    if after is not None:
        stmt = stmt.where(DifficultyCertification.id > after)
    return (await session.execute(stmt.order_by(DifficultyCertification.id).limit(limit))).scalars().all()


# Built once, values passed at execution: SQLAlchemy sends them in batches without compiling a statement
# of thousands of VALUES per chunk (which cost more than the screening's evaluations).
_REVIEW_TABLE = cast(Table, DifficultyReview.__table__)
_INSERT_REVIEWS = (
    pg_insert(_REVIEW_TABLE)
    .on_conflict_do_nothing(index_elements=[_REVIEW_TABLE.c.certification_id, _REVIEW_TABLE.c.quarter])
    .returning(_REVIEW_TABLE.c.id)
)


async def insert_reviews(session: AsyncSession, rows: Sequence[dict[str, object]]) -> int:
    """Inserts review items, keeping those already listed for the quarter; returns how many are new."""
    if not rows:
        return 0
    result = await session.execute(_INSERT_REVIEWS, list(rows))
    return len(result.all())


def readable_reviews(principal: Principal, region: str | None = None) -> Select[DifficultyReview]:
    """Returns the review items of the caller's region (or of `region` inside it)."""
    return select(DifficultyReview).where(
        in_region(DifficultyReview.agency_region_code, scope_region(principal, region))
    )


async def list_reviews(
    session: AsyncSession, principal: Principal, *, quarter: str | None, region: str | None, status: str | None,
    page: PageRequest,
) -> Sequence[DifficultyReview]:
    """Lists one page of review items, oldest first."""
    stmt = readable_reviews(principal, region)
    if quarter is not None:
        stmt = stmt.where(DifficultyReview.quarter == quarter)
    if status is not None:
        stmt = stmt.where(DifficultyReview.status == status)
    stmt = keyset(stmt, DifficultyReview.created_at, DifficultyReview.id, page)
    return (await session.execute(stmt)).scalars().all()


async def get_review(session: AsyncSession, principal: Principal, review_id: uuid.UUID) -> DifficultyReview | None:
    """Gets, locked, a review item the caller may see."""
    stmt = readable_reviews(principal).where(DifficultyReview.id == review_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def pending_reviews_overdue(session: AsyncSession, today: date) -> Sequence[DifficultyReview]:
    """Lists pending review items past their report date."""
    stmt = select(DifficultyReview).where(
        DifficultyReview.status == ReviewStatus.PENDING, DifficultyReview.report_due < today
    )
    return (await session.execute(stmt)).scalars().all()


async def persons_excluded_from_screening(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Returns those of the persons with an open application or an active certification (DIFF-SCREENING)."""
    if not person_ids:
        return set()
    # One array parameter instead of thousands of IN parameters.
    ids = bindparam("ids", list(person_ids), type_=ARRAY(UUID(as_uuid=True)))
    applying = select(DifficultyApplication.person_id).where(
        DifficultyApplication.person_id == any_(ids), DifficultyApplication.status.in_(OPEN_STATUSES)
    )
    certified = select(DifficultyCertification.person_id).where(
        DifficultyCertification.person_id == any_(ids),
        DifficultyCertification.status == CertificationStatus.ACTIVE,
    )
    rows = (await session.execute(applying.union(certified))).scalars().all()
    return set(rows)


def _upsert_candidates() -> Any:
    # The table, not the entity: the ORM's bulk path would look at every row's values once more.
    table = cast(Table, ScreeningCandidate.__table__)
    stmt = pg_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.person_id],
        set_={"categories": stmt.excluded.categories, "reasons": stmt.excluded.reasons,
              "agency_region_code": stmt.excluded.agency_region_code,
              "registration_id": stmt.excluded.registration_id},
    )


_UPSERT_CANDIDATES = _upsert_candidates()


async def upsert_candidates(session: AsyncSession, rows: Sequence[dict[str, object]]) -> int:
    """Lists candidates; a person already listed keeps their status and gets the new categories and reasons."""
    if rows:
        await session.execute(_UPSERT_CANDIDATES, list(rows))
    return len(rows)


async def list_candidates(
    session: AsyncSession, principal: Principal, *, region: str | None, status: str | None, page: PageRequest
) -> Sequence[ScreeningCandidate]:
    """Lists one page of screening candidates of the caller's region, oldest first."""
    stmt = select(ScreeningCandidate).where(
        in_region(ScreeningCandidate.agency_region_code, scope_region(principal, region))
    )
    if status is not None:
        stmt = stmt.where(ScreeningCandidate.status == status)
    stmt = keyset(stmt, ScreeningCandidate.created_at, ScreeningCandidate.id, page)
    return (await session.execute(stmt)).scalars().all()


async def get_candidate(
    session: AsyncSession, principal: Principal, candidate_id: uuid.UUID
) -> ScreeningCandidate | None:
    """Gets, locked, a candidate of the caller's region."""
    stmt = (
        select(ScreeningCandidate)
        .where(ScreeningCandidate.id == candidate_id,
               in_region(ScreeningCandidate.agency_region_code, scope_region(principal, None)))
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def open_applications_with_steps(session: AsyncSession) -> Sequence[DifficultyApplication]:
    """Lists, locked, open applications (for the daily overdue flags)."""
    stmt = (
        select(DifficultyApplication)
        .where(DifficultyApplication.status.in_(OPEN_STATUSES))
        .order_by(DifficultyApplication.created_at, DifficultyApplication.id)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def mark_flagged(session: AsyncSession, ids: Sequence[uuid.UUID], today: date) -> None:
    """Records the first day each application was reported overdue."""
    for chunk in in_chunks(ids):
        await session.execute(
            update(DifficultyApplication)
            .where(DifficultyApplication.id.in_(chunk), DifficultyApplication.overdue_flagged_on.is_(None))
            .values(overdue_flagged_on=today)
        )


async def estimated_preliminary(session: AsyncSession) -> Sequence[DifficultyApplication]:
    """Lists, locked, applications awaiting the preliminary review whose due date was estimated."""
    stmt = select(DifficultyApplication).where(
        DifficultyApplication.status == ApplicationStatus.SUBMITTED,
        DifficultyApplication.preliminary_due_estimated.is_(True),
    ).with_for_update()
    return (await session.execute(stmt)).scalars().all()


async def estimated_review(session: AsyncSession) -> Sequence[DifficultyApplication]:
    """Lists, locked, applications awaiting the district's decision whose due date was estimated."""
    stmt = select(DifficultyApplication).where(
        DifficultyApplication.status.in_([ApplicationStatus.IN_PUBLIC_NOTICE, ApplicationStatus.UNDER_RE_REVIEW]),
        DifficultyApplication.review_due_estimated.is_(True),
    ).with_for_update()
    return (await session.execute(stmt)).scalars().all()
