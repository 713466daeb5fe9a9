"""Every query of payment batches and items; bulk statements, because a batch may hold 100,000 items."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, scope_region
from shared.regions import in_region
from subsidy_svc.payments.models import PaymentBatch, PaymentItem, PaymentKind

_LIVE = "status <> 'failed'"

# PAY-ONCE: the NOT EXISTS leaves out what a committed batch holds; the unique partial index (and its ON
# CONFLICT) is what holds when two batches are made at once: the later insert waits for the earlier
# transaction and then skips the rows it took.
_CLAIM_ITEMS = f"""
INSERT INTO subsidy.payment_item (id, batch_id, seq, claim_id, region, amount_fen, payee_name, payee_account,
                                  payee_bank, status)
SELECT gen_random_uuid(), :batch_id, row_number() OVER (ORDER BY c.created_at, c.id), c.id, c.agency_region_code,
       c.subsidy_fen + c.living_allowance_fen, c.account_name, c.account_number, c.bank_name, 'sent'
FROM subsidy.skill_claim c
WHERE c.agency_region_code LIKE :region_like
  AND c.status IN ('in_public_notice', 'payable') AND c.notice_end < :as_of
  AND NOT EXISTS (SELECT 1 FROM subsidy.claim_objection o WHERE o.claim_id = c.id AND o.status IN ('pending', 'upheld'))
  AND NOT EXISTS (SELECT 1 FROM subsidy.payment_item i WHERE i.claim_id = c.id AND i.{_LIVE})
ORDER BY c.created_at, c.id
ON CONFLICT (claim_id) WHERE claim_id IS NOT NULL AND {_LIVE} DO NOTHING
"""

_PERIOD_ITEMS = f"""
INSERT INTO subsidy.payment_item (id, batch_id, seq, period_id, region, amount_fen, payee_name, payee_account,
                                  payee_bank, status)
SELECT gen_random_uuid(), :batch_id, row_number() OVER (ORDER BY p.due_on, p.loan_id, p.number), p.id,
       p.agency_region_code, p.subsidy_fen, l.lender_name, l.lender_account, l.lender_name, 'sent'
FROM subsidy.loan_subsidy_period p JOIN subsidy.startup_loan l ON l.id = p.loan_id
WHERE p.agency_region_code LIKE :region_like AND p.status = 'scheduled' AND p.due_on <= :as_of AND p.subsidy_fen > 0
  AND NOT EXISTS (SELECT 1 FROM subsidy.payment_item i WHERE i.period_id = p.id AND i.{_LIVE})
ORDER BY p.due_on, p.loan_id, p.number
ON CONFLICT (period_id) WHERE period_id IS NOT NULL AND {_LIVE} DO NOTHING
"""


def region_like(prefix: str) -> str:
    """Returns the LIKE pattern of a region prefix (codes are digits only, nothing to escape)."""
    return f"{prefix}%"


async def lock_kind(session: AsyncSession, kind: PaymentKind) -> None:
    """Makes batch creations of one kind wait for each other, so concurrent ones never deadlock on the index."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                          {"key": f"subsidy.payment_batch:{kind.value}"})


async def fill_batch(session: AsyncSession, batch: PaymentBatch, prefix: str) -> tuple[int, int]:
    """Puts every payable item of the batch's kind and region into it; returns (count, total_fen)."""
    statement = _CLAIM_ITEMS if batch.kind is PaymentKind.SKILL_SUBSIDY else _PERIOD_ITEMS
    await session.execute(text(statement), {"batch_id": batch.id, "region_like": region_like(prefix),
                                            "as_of": batch.as_of})
    row = (await session.execute(text(
        "SELECT count(*), coalesce(sum(amount_fen), 0) FROM subsidy.payment_item WHERE batch_id = :batch_id"
    ), {"batch_id": batch.id})).one()
    return int(row[0]), int(row[1])


def readable(principal: Principal) -> Any:
    """Returns the batches the caller may see: those of regions inside theirs."""
    return select(PaymentBatch).where(in_region(PaymentBatch.region, scope_region(principal, None)))


async def get_batch(session: AsyncSession, principal: Principal, batch_id: uuid.UUID,
                    *, for_update: bool = False) -> PaymentBatch | None:
    """Gets a batch in scope, optionally locked; None when missing or out of scope alike."""
    statement = readable(principal).where(PaymentBatch.id == batch_id)
    if principal.role is Role.SYSTEM:
        statement = select(PaymentBatch).where(PaymentBatch.id == batch_id)
    if for_update:
        statement = statement.with_for_update()
    batch: PaymentBatch | None = (await session.execute(statement)).scalar_one_or_none()
    return batch


async def items(session: AsyncSession, batch_id: uuid.UUID) -> Sequence[PaymentItem]:
    """Lists a batch's items in bank-file order."""
    statement = select(PaymentItem).where(PaymentItem.batch_id == batch_id).order_by(PaymentItem.seq)
    return (await session.execute(statement)).scalars().all()


async def item_rows(session: AsyncSession, batch_id: uuid.UUID) -> Sequence[Row[Any]]:
    """Reads a batch's items as plain rows (no ORM objects: fast for the bank file)."""
    return (await session.execute(text(
        "SELECT id, seq, claim_id, period_id, region, amount_fen, payee_name, payee_account, payee_bank, status, "
        "paid_on, bank_reference, failure_reason FROM subsidy.payment_item WHERE batch_id = :batch_id ORDER BY seq"
    ), {"batch_id": batch_id})).all()


async def lock_item_states(session: AsyncSession, batch_id: uuid.UUID) -> dict[uuid.UUID, tuple[str, str | None]]:
    """Locks a batch's items and returns each one's status and bank reference."""
    rows = (await session.execute(text(
        "SELECT id, status, bank_reference FROM subsidy.payment_item WHERE batch_id = :batch_id FOR UPDATE"
    ), {"batch_id": batch_id})).all()
    return {row[0]: (row[1], row[2]) for row in rows}


async def apply_results(
    session: AsyncSession, ids: list[uuid.UUID], statuses: list[str], paid_on: list[date | None],
    references: list[str | None], reasons: list[str | None], now: datetime,
) -> None:
    """Writes results in one statement, then marks the paid claims and loan periods paid."""
    await session.execute(text(
        "UPDATE subsidy.payment_item AS i SET status = u.status, paid_on = u.paid_on, bank_reference = u.ref, "
        "failure_reason = u.reason, result_at = :now "
        "FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:paid_on AS date[]), "
        "CAST(:refs AS text[]), CAST(:reasons AS text[])) AS u(id, status, paid_on, ref, reason) WHERE i.id = u.id"
    ), {"ids": ids, "statuses": statuses, "paid_on": paid_on, "refs": references, "reasons": reasons, "now": now})
    paid = [item_id for item_id, status in zip(ids, statuses, strict=True) if status == "paid"]
    if not paid:
        return
    await session.execute(text(
        "UPDATE subsidy.skill_claim AS c SET status = 'paid', paid_on = i.paid_on FROM subsidy.payment_item i "
        "WHERE i.id = ANY(CAST(:ids AS uuid[])) AND c.id = i.claim_id"
    ), {"ids": paid})
    await session.execute(text(
        "UPDATE subsidy.loan_subsidy_period AS p SET status = 'paid' FROM subsidy.payment_item i "
        "WHERE i.id = ANY(CAST(:ids AS uuid[])) AND p.id = i.period_id"
    ), {"ids": paid})


async def region_totals(session: AsyncSession, kind: PaymentKind, prefix: str, as_of: date) -> Sequence[Row[Any]]:
    """Paid, failed (not batched again), sent, and payable-but-unbatched counts and sums by region."""
    target = "claim_id" if kind is PaymentKind.SKILL_SUBSIDY else "period_id"
    if kind is PaymentKind.SKILL_SUBSIDY:
        outstanding = (
            "SELECT c.agency_region_code AS region, c.subsidy_fen + c.living_allowance_fen AS amount "
            "FROM subsidy.skill_claim c WHERE c.agency_region_code LIKE :region_like "
            "AND c.status IN ('in_public_notice', 'payable') AND c.notice_end < :as_of "
            "AND NOT EXISTS (SELECT 1 FROM subsidy.claim_objection o WHERE o.claim_id = c.id "
            "AND o.status IN ('pending', 'upheld')) "
            f"AND NOT EXISTS (SELECT 1 FROM subsidy.payment_item i WHERE i.claim_id = c.id AND i.{_LIVE})"
        )
    else:
        outstanding = (
            "SELECT p.agency_region_code AS region, p.subsidy_fen AS amount FROM subsidy.loan_subsidy_period p "
            "WHERE p.agency_region_code LIKE :region_like AND p.status = 'scheduled' AND p.due_on <= :as_of "
            "AND p.subsidy_fen > 0 "
            f"AND NOT EXISTS (SELECT 1 FROM subsidy.payment_item i WHERE i.period_id = p.id AND i.{_LIVE})"
        )
    statement = f"""
    WITH items AS (
        SELECT i.region, i.status, i.amount_fen,
               i.status = 'failed' AND EXISTS (SELECT 1 FROM subsidy.payment_item j
                                              WHERE j.{target} = i.{target} AND j.{_LIVE}) AS superseded
        FROM subsidy.payment_item i JOIN subsidy.payment_batch b ON b.id = i.batch_id
        WHERE b.kind = :kind AND i.region LIKE :region_like
    ), outstanding AS ({outstanding}),
    regions AS (SELECT region FROM items UNION SELECT region FROM outstanding)
    SELECT r.region,
      (SELECT count(*) FROM items WHERE region = r.region AND status = 'paid'),
      (SELECT coalesce(sum(amount_fen), 0) FROM items WHERE region = r.region AND status = 'paid'),
      (SELECT count(*) FROM items WHERE region = r.region AND status = 'failed' AND NOT superseded),
      (SELECT coalesce(sum(amount_fen), 0) FROM items WHERE region = r.region AND status = 'failed' AND NOT superseded),
      (SELECT count(*) FROM items WHERE region = r.region AND status = 'sent'),
      (SELECT coalesce(sum(amount_fen), 0) FROM items WHERE region = r.region AND status = 'sent'),
      (SELECT count(*) FROM outstanding WHERE region = r.region),
      (SELECT coalesce(sum(amount), 0) FROM outstanding WHERE region = r.region)
    FROM regions r ORDER BY r.region
    """
    return (await session.execute(text(statement), {"kind": kind.value, "region_like": region_like(prefix),
                                                    "as_of": as_of})).all()


async def reconciliation(session: AsyncSession, kind: PaymentKind, prefix: str) -> tuple[int, int]:
    """Returns how many batches of the kind and region there are, and how many do not reconcile."""
    row = (await session.execute(text(
        "SELECT count(*), count(*) FILTER (WHERE b.total_fen <> coalesce(s.total, 0) OR b.item_count <> "
        "coalesce(s.n, 0)) FROM subsidy.payment_batch b LEFT JOIN (SELECT batch_id, sum(amount_fen) AS total, "
        "count(*) AS n FROM subsidy.payment_item GROUP BY batch_id) s ON s.batch_id = b.id "
        "WHERE b.kind = :kind AND b.region LIKE :region_like"
    ), {"kind": kind.value, "region_like": region_like(prefix)})).one()
    return int(row[0]), int(row[1])
