"""Every query of startup loans and their periods; `readable` applies the caller's region."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, scope_region
from shared.regions import in_region
from subsidy_svc.loans.models import LoanSubsidyPeriod, StartupLoan
from subsidy_svc.payments.models import ItemStatus, PaymentItem


def readable(principal: Principal) -> Select[StartupLoan]:
    """Returns the loans of the caller's region (T-REGION; a system sees all)."""
    return select(StartupLoan).where(in_region(StartupLoan.agency_region_code, scope_region(principal, None)))


async def get(session: AsyncSession, principal: Principal, loan_id: uuid.UUID,
              *, for_update: bool = False) -> StartupLoan | None:
    """Gets a loan in scope, optionally locked; None when missing or out of scope alike."""
    statement = readable(principal).where(StartupLoan.id == loan_id)
    if for_update:
        statement = statement.with_for_update()
    loan: StartupLoan | None = (await session.execute(statement)).scalar_one_or_none()
    return loan


async def by_contract(session: AsyncSession, contract_number: str) -> StartupLoan | None:
    """Gets the loan of a contract number."""
    statement = select(StartupLoan).where(StartupLoan.contract_number == contract_number)
    loan: StartupLoan | None = (await session.execute(statement)).scalar_one_or_none()
    return loan


async def periods(
    session: AsyncSession, loan_id: uuid.UUID, *, for_update: bool = False
) -> Sequence[LoanSubsidyPeriod]:
    """Lists a loan's periods in order."""
    statement = (
        select(LoanSubsidyPeriod).where(LoanSubsidyPeriod.loan_id == loan_id).order_by(LoanSubsidyPeriod.number)
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalars().all()


async def batched_period_ids(session: AsyncSession, period_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Returns which of the periods are in a payment item that has not failed (PAY-ONCE)."""
    if not period_ids:
        return set()
    statement = select(PaymentItem.period_id).where(
        PaymentItem.period_id.in_(period_ids), PaymentItem.status != ItemStatus.FAILED
    )
    return {row for row in (await session.execute(statement)).scalars().all() if row is not None}


