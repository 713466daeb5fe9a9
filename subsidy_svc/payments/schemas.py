"""Request and response models of payment batches (api.md POST /api/v1/payment-batches ...)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.inputs import BoundedDate
from subsidy_svc.payments.models import ItemStatus, PaymentKind
from subsidy_svc.skill_subsidy.schemas import RegionCode

_IN: Final = ConfigDict(frozen=True, extra="forbid")
_OUT: Final = ConfigDict(frozen=True)


class BatchCreate(BaseModel):
    """Every item of a kind and region payable on `as_of` that is not in a batch already (failed ones again)."""

    model_config = _IN

    kind: PaymentKind
    region: RegionCode
    as_of: BoundedDate


class PayeeRead(BaseModel):
    """Who is paid: the applicant's own account (SUB-ACCOUNT) or the lender's (LOAN-RATE)."""

    model_config = _OUT

    name: str
    account_number: str
    bank_name: str


class ItemRead(BaseModel):
    """One payment of a batch."""

    model_config = _OUT

    item_id: uuid.UUID
    seq: int
    claim_id: uuid.UUID | None
    period_id: uuid.UUID | None
    region: str
    amount_fen: int
    payee: PayeeRead
    status: ItemStatus
    paid_on: date | None
    bank_reference: str | None
    failure_reason: str | None


class BatchRead(BaseModel):
    """A batch, its items and whether its total reconciles with them."""

    model_config = _OUT

    id: uuid.UUID
    kind: PaymentKind
    region: str
    as_of: date
    item_count: int
    total_fen: int
    items_total_fen: int
    reconciled: bool
    paid_fen: int
    failed_fen: int
    sent_fen: int
    items: list[ItemRead]


class ResultItem(BaseModel):
    """The bank's result for one item."""

    model_config = _IN

    item_id: uuid.UUID
    result: Literal["paid", "failed"]
    paid_on: BoundedDate | None = None
    bank_reference: Annotated[str, StringConstraints(max_length=64)] | None = None
    failure_reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class ResultsCreate(BaseModel):
    """A bank result file (api.md POST /api/v1/payment-batches/{id}/results)."""

    model_config = _IN

    items: Annotated[list[ResultItem], Field(min_length=1, max_length=200_000)]


class ResultsRead(BaseModel):
    """What a result file changed: replayed results change nothing."""

    model_config = _OUT

    batch_id: uuid.UUID
    applied: int
    unchanged: int
    paid: int
    failed: int


class RegionTotals(BaseModel):
    """Money of one region: paid, failed (to be batched again), sent and awaiting the bank, not yet batched."""

    model_config = _OUT

    region: str
    paid_count: int
    paid_fen: int
    failed_count: int
    failed_fen: int
    sent_count: int
    sent_fen: int
    outstanding_count: int
    outstanding_fen: int


class PaymentReport(BaseModel):
    """Paid, failed and outstanding by region, and whether every batch's total equals its items' sum."""

    model_config = _OUT

    kind: PaymentKind
    as_of: date
    regions: list[RegionTotals]
    batches: int
    batches_reconciled: bool
