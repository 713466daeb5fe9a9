"""Use cases of payments: make a batch, its bank file, apply the bank's results (PAY-ONCE), report by region."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, scope_region
from shared.errors import Violation
from shared.regions import region_prefix
from shared.spreadsheets import Column, Template, date_cell, read_xlsx
from shared.wording import date_zh
from subsidy_svc.payments import repository
from subsidy_svc.payments.errors import (
    BatchNotFound,
    InvalidResults,
    NothingPayable,
    NotPaymentAdmin,
    ResultConflict,
)
from subsidy_svc.payments.models import ItemStatus, PaymentBatch, PaymentKind
from subsidy_svc.payments.schemas import (
    BatchCreate,
    BatchRead,
    ItemRead,
    PayeeRead,
    PaymentReport,
    RegionTotals,
    ResultItem,
    ResultsCreate,
    ResultsRead,
)

PAY_ONCE = "PAY-ONCE"
# How many offending item ids a refusal lists (a wrong file may name thousands).
MAX_LISTED = 20

BANK_FILE = Template(
    "代发明细",
    (
        Column("seq", "序号", width=8),
        Column("item_id", "明细编号", width=38),
        Column("payee_name", "收款人户名", width=16),
        Column("payee_account", "收款账号", width=24),
        Column("payee_bank", "开户银行", width=24),
        Column("amount_yuan", "金额（元）", width=14),
        Column("amount_fen", "金额（分）", width=12),
        Column("purpose", "用途", width=24),
        Column("result", "支付结果", required=False, width=10),
        Column("paid_on", "支付日期", date_cell, required=False, width=12),
        Column("bank_reference", "银行流水号", required=False, width=20),
        Column("failure_reason", "失败原因", required=False, width=24),
    ),
)
PURPOSE = {PaymentKind.SKILL_SUBSIDY: "职业技能提升补贴", PaymentKind.LOAN_INTEREST_SUBSIDY: "创业担保贷款贴息"}


def authorize_admin(principal: Principal, region: str | None = None) -> None:
    """Admits an admin (or a system) whose region covers the batch's region."""
    if principal.role is Role.SYSTEM:
        return
    if principal.role is not Role.ADMIN or (region is not None and not principal.covers_region(region)):
        raise NotPaymentAdmin(
            "Only an admin of the region makes payment batches and records bank results.",
            "仅本区划的管理员可以生成支付批次并登记银行回盘结果。",
        )


async def create_batch(session: AsyncSession, principal: Principal, body: BatchCreate) -> PaymentBatch:
    """Makes a batch of every item of the kind and region payable on as_of not in a live batch (PAY-ONCE);
    409 when there is none (no empty batch)."""
    authorize_admin(principal, body.region)
    prefix = scope_region(principal, body.region) if principal.role is not Role.SYSTEM else region_prefix(body.region)
    await repository.lock_kind(session, body.kind)
    batch = PaymentBatch(id=uuid.uuid4(), kind=body.kind, region=body.region, as_of=body.as_of, item_count=0,
                         total_fen=0, created_by=principal.sub)
    session.add(batch)
    await session.flush()
    count, total = await repository.fill_batch(session, batch, prefix)
    if count == 0:
        raise NothingPayable(
            f"Nothing of kind {body.kind.value} in region {body.region} is payable on {body.as_of} outside a batch.",
            f"区划 {body.region} 在{date_zh(body.as_of)}没有未列入批次的可支付项目（{PURPOSE[body.kind]}）。",
            [Violation(PAY_ONCE, "as_of", "no payable item outside a live batch", "没有未列入批次的可支付项目")],
        )
    batch.item_count, batch.total_fen = count, total
    await session.flush()
    return batch


async def get_batch(session: AsyncSession, principal: Principal, batch_id: uuid.UUID,
                    *, for_update: bool = False) -> PaymentBatch:
    """Gets a batch in scope, or 404."""
    authorize_admin(principal)
    batch = await repository.get_batch(session, principal, batch_id, for_update=for_update)
    if batch is None:
        raise BatchNotFound(f"No payment batch {batch_id} in your scope.",
                            f"您的权限范围内没有编号为“{batch_id}”的支付批次。")
    return batch


def _item_read(row: Row[Any]) -> ItemRead:
    return ItemRead(
        item_id=row.id, seq=row.seq, claim_id=row.claim_id, period_id=row.period_id, region=row.region,
        amount_fen=row.amount_fen,
        payee=PayeeRead(name=row.payee_name, account_number=row.payee_account, bank_name=row.payee_bank),
        status=ItemStatus(row.status), paid_on=row.paid_on, bank_reference=row.bank_reference,
        failure_reason=row.failure_reason,
    )


async def batch_read(session: AsyncSession, batch: PaymentBatch) -> BatchRead:
    """Returns the batch with its items, sums by status, and whether its total equals its items' sum."""
    rows = await repository.item_rows(session, batch.id)
    items = [_item_read(row) for row in rows]
    by_status = {status: sum(i.amount_fen for i in items if i.status is status) for status in ItemStatus}
    items_total = sum(i.amount_fen for i in items)
    return BatchRead(
        id=batch.id, kind=batch.kind, region=batch.region, as_of=batch.as_of, item_count=batch.item_count,
        total_fen=batch.total_fen, items_total_fen=items_total,
        reconciled=items_total == batch.total_fen and len(items) == batch.item_count,
        paid_fen=by_status[ItemStatus.PAID], failed_fen=by_status[ItemStatus.FAILED],
        sent_fen=by_status[ItemStatus.SENT], items=items,
    )


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


async def bank_file_rows(session: AsyncSession, batch: PaymentBatch) -> Iterator[Mapping[str, object]]:
    """Returns the rows of the bank file, in item order; the result columns are left for the bank."""
    rows = await repository.item_rows(session, batch.id)
    purpose = PURPOSE[batch.kind]

    def generate() -> Iterator[Mapping[str, object]]:
        for row in rows:
            yield {
                "seq": row.seq, "item_id": str(row.id), "payee_name": row.payee_name,
                "payee_account": row.payee_account, "payee_bank": row.payee_bank,
                "amount_yuan": _yuan(row.amount_fen), "amount_fen": row.amount_fen, "purpose": purpose,
                "result": None if row.status == "sent" else row.status, "paid_on": row.paid_on,
                "bank_reference": row.bank_reference, "failure_reason": row.failure_reason,
            }

    return generate()


# What banks write in the result column, in either language.
RESULT_WORDS = {"paid": "paid", "成功": "paid", "支付成功": "paid", "failed": "failed", "失败": "failed",
                "支付失败": "failed"}


def results_from_bank_file(content: bytes) -> ResultsCreate:
    """Reads the bank's filled-in bank file (the exported layout): rows without a result are not reported yet.

    Any unreadable row refuses the whole file, naming its Excel row (422; nothing applied)."""
    sheet = read_xlsx(BANK_FILE, content)
    problems = [Violation(PAY_ONCE, f"row {e.row} {e.column}", e.message, e.message_zh) for e in sheet.errors]
    items: list[ResultItem] = []
    for row_number, row in sheet.rows:
        word = row.get("result")
        if word is None:
            continue
        result = RESULT_WORDS.get(str(word).strip().lower())
        try:
            if result is None:
                raise ValueError(f"unknown result {word!r}")
            items.append(ResultItem.model_validate({
                "item_id": row.get("item_id"), "result": result, "paid_on": row.get("paid_on"),
                "bank_reference": row.get("bank_reference"), "failure_reason": row.get("failure_reason"),
            }))
        except ValueError as exc:
            problems.append(Violation(PAY_ONCE, f"row {row_number}", f"row {row_number} cannot be read: {exc}"[:300],
                                      f"第 {row_number} 行无法识别（支付结果须为 成功/失败）"))
    if problems or not items:
        raise InvalidResults(
            "The bank file has no result, or rows that cannot be read; nothing was applied.",
            "回盘文件没有支付结果，或有无法识别的行，未登记任何结果。", problems[:MAX_LISTED],
        )
    return ResultsCreate(items=items)


def _result_violation(item_id: uuid.UUID, message: str, message_zh: str) -> Violation:
    return Violation(PAY_ONCE, f"items[{item_id}]", message, message_zh)


async def apply_results(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID, body: ResultsCreate, *, today: date,
    now: datetime,
) -> ResultsRead:
    """Applies the bank's results all or nothing: paid is final, failed may be batched again (PAY-ONCE).

    A replayed result (the same outcome again) changes nothing; an item not in the batch, a paid item reported
    failed, a failed item reported paid (it may be in another batch by now) or a second bank reference for a
    paid item refuses the whole file.
    """
    batch = await get_batch(session, principal, batch_id, for_update=True)
    authorize_admin(principal, batch.region)
    states = await repository.lock_item_states(session, batch.id)
    invalid: list[Violation] = []
    conflicts: list[Violation] = []
    seen: set[uuid.UUID] = set()
    ids: list[uuid.UUID] = []
    statuses: list[str] = []
    paid_on: list[date | None] = []
    references: list[str | None] = []
    reasons: list[str | None] = []
    unchanged = 0
    for result in body.items:
        item_id = result.item_id
        if item_id in seen:
            invalid.append(_result_violation(item_id, "the item is listed twice in the file", "该明细在文件中重复出现"))
            continue
        seen.add(item_id)
        state = states.get(item_id)
        if state is None:
            invalid.append(_result_violation(item_id, f"item {item_id} is not in batch {batch.id}",
                                             f"明细“{item_id}”不属于批次“{batch.id}”"))
            continue
        if result.result == "paid" and (result.paid_on is None or result.paid_on > today
                                        or result.paid_on < batch.as_of):
            invalid.append(_result_violation(item_id, "a paid result needs paid_on, from the batch date to today",
                                             "支付成功须填写支付日期（不早于批次日期、不晚于今天）"))
            continue
        if result.result == "failed" and not result.failure_reason:
            invalid.append(_result_violation(item_id, "a failed result needs its failure_reason",
                                             "支付失败须填写失败原因"))
            continue
        current, reference = state
        if current == result.result:
            if current == "paid" and result.bank_reference != reference:
                conflicts.append(_result_violation(item_id, "the item was already paid under another bank reference",
                                                   "该明细已按其他银行流水号支付"))
            else:
                unchanged += 1
            continue
        if current != ItemStatus.SENT.value:
            conflicts.append(_result_violation(
                item_id, f"the item is already {current}; a {current} result is final",
                f"该明细已为{'支付成功' if current == 'paid' else '支付失败'}，结果不可更改"))
            continue
        ids.append(item_id)
        statuses.append(result.result)
        paid_on.append(result.paid_on if result.result == "paid" else None)
        references.append(result.bank_reference)
        reasons.append(result.failure_reason if result.result == "failed" else None)
    if invalid:
        raise InvalidResults(
            f"{len(invalid)} result(s) of the file cannot be applied; nothing was applied.",
            f"回盘文件中有 {len(invalid)} 条结果无法登记，未登记任何结果。", invalid[:MAX_LISTED],
        )
    if conflicts:
        raise ResultConflict(
            f"{len(conflicts)} result(s) contradict a final result (PAY-ONCE); nothing was applied.",
            f"回盘文件中有 {len(conflicts)} 条结果与已确定的结果冲突（PAY-ONCE），未登记任何结果。",
            conflicts[:MAX_LISTED],
        )
    if ids:
        await repository.apply_results(session, ids, statuses, paid_on, references, reasons, now)
    return ResultsRead(batch_id=batch.id, applied=len(ids), unchanged=unchanged,
                       paid=statuses.count("paid"), failed=statuses.count("failed"))


async def report(session: AsyncSession, principal: Principal, kind: PaymentKind, region: str | None,
                 as_of: date) -> PaymentReport:
    """Returns paid, failed, sent and outstanding by region, and whether every batch reconciles."""
    authorize_admin(principal)
    prefix = scope_region(principal, region)
    rows = await repository.region_totals(session, kind, prefix, as_of)
    count, unreconciled = await repository.reconciliation(session, kind, prefix)
    regions: Sequence[RegionTotals] = [
        RegionTotals(region=str(r[0]), paid_count=int(r[1]), paid_fen=int(r[2]), failed_count=int(r[3]),
                     failed_fen=int(r[4]), sent_count=int(r[5]), sent_fen=int(r[6]), outstanding_count=int(r[7]),
                     outstanding_fen=int(r[8]))
        for r in (tuple(row) for row in rows)
    ]
    return PaymentReport(kind=kind, as_of=as_of, regions=list(regions), batches=count,
                         batches_reconciled=unreconciled == 0)
