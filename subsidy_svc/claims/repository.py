"""Every query of claims and objections; `readable` applies the caller's scope in one place."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, scope_region
from shared.pagination import PageRequest, keyset
from shared.regions import in_region
from subsidy_svc.claims.models import ClaimObjection, ClaimStatus, ObjectionStatus, SkillClaim
from subsidy_svc.claims.rules import own_id_number
from subsidy_svc.payments.models import ItemStatus, PaymentItem


def readable(principal: Principal, region: str | None = None) -> Select[SkillClaim]:
    """Returns the claims the caller may see: a citizen their own, staff those of their region (T-REGION)."""
    statement = select(SkillClaim)
    if principal.role is Role.CITIZEN:
        return statement.where(SkillClaim.id_number == own_id_number(principal.sub))
    return statement.where(in_region(SkillClaim.agency_region_code, scope_region(principal, region)))


def open_objection() -> ColumnElement[bool]:
    """True for a claim with an objection pending or upheld: it may not be paid."""
    return exists().where(
        ClaimObjection.claim_id == SkillClaim.id,
        ClaimObjection.status.in_([ObjectionStatus.PENDING, ObjectionStatus.UPHELD]),
    )


def payable_on(as_of: date) -> ColumnElement[bool]:
    """True for a claim payable on `as_of`: approved, its notice ended before that day, no open objection
    (SUB-PAYMENT), whether or not the daily job has marked it payable yet."""
    return and_(
        SkillClaim.status.in_([ClaimStatus.IN_PUBLIC_NOTICE, ClaimStatus.PAYABLE]),
        SkillClaim.notice_end < as_of,
        ~open_objection(),
    )


def effective_status(today: date) -> ColumnElement[str]:
    """The status as of today: a claim whose notice has ended without objection is payable."""
    return case((payable_on(today), ClaimStatus.PAYABLE.value), else_=SkillClaim.status)


def overdue_on(today: date) -> ColumnElement[bool]:
    """True for a claim with its review or payment overdue (SUB-REVIEW, SUB-PAYMENT), late steps included."""
    review = or_(
        and_(SkillClaim.reviewed_on.is_(None), SkillClaim.status == ClaimStatus.RECEIVED,
             SkillClaim.review_due < today),
        SkillClaim.reviewed_on > SkillClaim.review_due,
    )
    payment = or_(
        and_(SkillClaim.paid_on.is_(None), SkillClaim.status != ClaimStatus.REJECTED,
             SkillClaim.payment_due < today),
        SkillClaim.paid_on > SkillClaim.payment_due,
    )
    return or_(review, payment)


async def get(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, *, for_update: bool = False
) -> SkillClaim | None:
    """Gets a claim the caller may see, optionally locked; None when missing or out of scope alike."""
    statement = readable(principal).where(SkillClaim.id == claim_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def page(
    session: AsyncSession, principal: Principal, *, region: str | None, status: ClaimStatus | None,
    overdue: bool | None, today: date, request: PageRequest,
) -> Sequence[SkillClaim]:
    """Lists claims in the caller's scope in filing order (keyset), by status as of today and overdue state."""
    statement = readable(principal, region)
    if status is not None:
        statement = statement.where(effective_status(today) == status.value)
    if overdue is not None:
        statement = statement.where(overdue_on(today) if overdue else ~overdue_on(today))
    statement = keyset(statement, SkillClaim.created_at, SkillClaim.id, request)
    return (await session.execute(statement)).scalars().all()


async def live_claim_of_certificate(session: AsyncSession, certificate_number: str) -> SkillClaim | None:
    """Gets the claim of a certificate that was not rejected (SUB-DUPLICATE)."""
    statement = select(SkillClaim).where(
        SkillClaim.certificate_number == certificate_number, SkillClaim.status != ClaimStatus.REJECTED
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def lock_person(session: AsyncSession, person_id: uuid.UUID) -> None:
    """Serializes the living-allowance decisions of one person until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"subsidy.person:{person_id}"}
    )


async def last_allowance_in_year(session: AsyncSession, person_id: uuid.UUID, year: int) -> date | None:
    """Returns the application date of the person's living allowance granted in a year, if any."""
    statement = select(func.max(SkillClaim.applied_on)).where(
        SkillClaim.person_id == person_id, SkillClaim.allowance_year == year,
        SkillClaim.living_allowance_granted.is_(True), SkillClaim.status != ClaimStatus.REJECTED,
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def objections_of_claims(
    session: AsyncSession, claim_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ClaimObjection]]:
    """Lists the objections of a page of claims in one query, each claim's in the order received."""
    found: dict[uuid.UUID, list[ClaimObjection]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return found
    statement = (
        select(ClaimObjection).where(ClaimObjection.claim_id.in_(claim_ids))
        .order_by(ClaimObjection.claim_id, ClaimObjection.received_on, ClaimObjection.created_at)
    )
    for objection in (await session.execute(statement)).scalars():
        found[objection.claim_id].append(objection)
    return found


async def objections(session: AsyncSession, claim_id: uuid.UUID) -> Sequence[ClaimObjection]:
    """Lists a claim's objections in the order received."""
    statement = (
        select(ClaimObjection).where(ClaimObjection.claim_id == claim_id)
        .order_by(ClaimObjection.received_on, ClaimObjection.created_at)
    )
    return (await session.execute(statement)).scalars().all()


async def objection(session: AsyncSession, claim_id: uuid.UUID, objection_id: uuid.UUID) -> ClaimObjection | None:
    """Gets one objection of a claim, locked."""
    statement = (
        select(ClaimObjection).where(ClaimObjection.id == objection_id, ClaimObjection.claim_id == claim_id)
        .with_for_update()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def in_live_batch(session: AsyncSession, claim_id: uuid.UUID) -> bool:
    """Tells whether the claim is in a payment batch item that has not failed (PAY-ONCE)."""
    statement = select(
        exists().where(PaymentItem.claim_id == claim_id, PaymentItem.status != ItemStatus.FAILED)
    )
    return bool((await session.execute(statement)).scalar())


async def mark_payable(session: AsyncSession, today: date) -> int:
    """Marks payable every claim whose notice ended before today without an open objection; returns how many."""
    result = await session.execute(
        update(SkillClaim).where(SkillClaim.status == ClaimStatus.IN_PUBLIC_NOTICE, payable_on(today))
        .values(status=ClaimStatus.PAYABLE).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def flag_overdue(session: AsyncSession, today: date) -> int:
    """Records the first day each overdue review or payment was reported; returns how many were newly flagged."""
    review = await session.execute(
        update(SkillClaim).where(
            SkillClaim.review_overdue_flagged_on.is_(None),
            or_(and_(SkillClaim.reviewed_on.is_(None), SkillClaim.status == ClaimStatus.RECEIVED,
                     SkillClaim.review_due < today),
                SkillClaim.reviewed_on > SkillClaim.review_due),
        ).values(review_overdue_flagged_on=today).execution_options(synchronize_session=False)
    )
    payment = await session.execute(
        update(SkillClaim).where(
            SkillClaim.payment_overdue_flagged_on.is_(None),
            or_(and_(SkillClaim.paid_on.is_(None), SkillClaim.status != ClaimStatus.REJECTED,
                     SkillClaim.payment_due < today),
                SkillClaim.paid_on > SkillClaim.payment_due),
        ).values(payment_overdue_flagged_on=today).execution_options(synchronize_session=False)
    )
    return int(getattr(review, "rowcount", 0) or 0) + int(getattr(payment, "rowcount", 0) or 0)


async def overdue_counts(session: AsyncSession, today: date, region_digits: int) -> dict[str, dict[str, int]]:
    """Counts claims with review or payment overdue on a date, by region (first `region_digits` digits)."""
    region = func.substr(SkillClaim.agency_region_code, 1, region_digits)
    review = and_(SkillClaim.reviewed_on.is_(None), SkillClaim.status == ClaimStatus.RECEIVED,
                  SkillClaim.review_due < today)
    payment = and_(SkillClaim.paid_on.is_(None), SkillClaim.status != ClaimStatus.REJECTED,
                   SkillClaim.payment_due < today)
    statement = (
        select(region, func.count().filter(review), func.count().filter(payment))
        .where(or_(review, payment)).group_by(region).order_by(region)
    )
    return {
        str(code): {"review": int(str(r)), "payment": int(str(p))}
        for code, r, p in (await session.execute(statement)).all()
    }
