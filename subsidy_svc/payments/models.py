"""ORM tables of payment batches and their items; PAY-ONCE is a unique index, not only a check in code."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import EnumText
from subsidy_svc.orm import Base


class PaymentKind(StrEnum):
    """What a batch pays: skill-subsidy claims or loan interest-subsidy periods."""

    SKILL_SUBSIDY = "skill_subsidy"
    LOAN_INTEREST_SUBSIDY = "loan_interest_subsidy"


class ItemStatus(StrEnum):
    """An item is sent until the bank's result: paid is final, failed may be batched again."""

    SENT = "sent"
    PAID = "paid"
    FAILED = "failed"


class PaymentBatch(Base):
    """A batch of payments of one kind and region, as payable on `as_of`; total_fen is the sum of its items."""

    __tablename__ = "payment_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('skill_subsidy', 'loan_interest_subsidy')", name="kind"),
        CheckConstraint("total_fen >= 0 AND item_count >= 0", name="totals"),
        Index("ix_payment_batch_created", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    kind: Mapped[PaymentKind] = mapped_column(EnumText(PaymentKind, 32))
    region: Mapped[str] = mapped_column(String(9))
    as_of: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PaymentItem(Base):
    """One payment of a batch: a claim or a loan period, its amount and payee as sent to the bank."""

    __tablename__ = "payment_item"
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'paid', 'failed')", name="status"),
        CheckConstraint("(claim_id IS NULL) <> (period_id IS NULL)", name="one_target"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("(status = 'paid') = (paid_on IS NOT NULL)", name="paid_has_date"),
        # PAY-ONCE: a claim or a period is in at most one item that has not failed.
        Index("uq_payment_item_claim_live", "claim_id", unique=True,
              postgresql_where=text("claim_id IS NOT NULL AND status <> 'failed'")),
        Index("uq_payment_item_period_live", "period_id", unique=True,
              postgresql_where=text("period_id IS NOT NULL AND status <> 'failed'")),
        Index("ix_payment_item_batch", "batch_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("payment_batch.id"))
    # The item's line in the bank file (1-based).
    seq: Mapped[int] = mapped_column(Integer)
    claim_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("skill_claim.id"))
    period_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("loan_subsidy_period.id"))
    region: Mapped[str] = mapped_column(String(9))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payee_name: Mapped[str] = mapped_column(String(100))
    payee_account: Mapped[str] = mapped_column(String(40))
    payee_bank: Mapped[str] = mapped_column(String(100))
    status: Mapped[ItemStatus] = mapped_column(EnumText(ItemStatus, 8))
    paid_on: Mapped[date | None] = mapped_column(Date)
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    result_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
