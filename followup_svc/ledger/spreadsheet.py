"""The ledger as a spreadsheet (api.md "Spreadsheets"): a month's entries exported to .xlsx, streamed from a
server-side cursor in constant memory, and contacts imported from the same template, checked row by row
with the same rules as the endpoint, applied set-based, all or nothing unless `partial`."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from fastapi.responses import FileResponse
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from followup_svc.ledger import repository, service
from followup_svc.ledger.errors import EntryClosed, EntryEnded, ImportChanged
from followup_svc.ledger.repository import ImportTarget
from followup_svc.ledger.rules import entry_status_after, month_text, outcome_deregistration
from followup_svc.ledger.schemas import ContactCreate, Employer
from shared.auth import Principal
from shared.calendar import WorkdayCalendar
from shared.db import Database
from shared.explain import failures
from shared.policy import PolicyRegistry
from shared.spreadsheets import (
    XLSX_MEDIA_TYPE,
    CellError,
    Column,
    ImportRead,
    ReadSheet,
    RowError,
    Template,
    add_row_error,
    date_cell,
    import_answer,
    int_cell,
    read_xlsx_chunks,
    text_cell,
    write_xlsx,
)

__all__ = ["TEMPLATE", "XLSX_MEDIA_TYPE", "export_response", "import_contacts"]

CHUNK = 5_000

METHODS = {"phone": "phone", "电话": "phone", "电话调查": "phone", "visit": "visit", "走访": "visit",
           "实地走访": "visit", "data_match": "data_match", "信息比对": "data_match"}
RESULTS = {"reached": "reached", "已联系": "reached", "联系上": "reached", "unreachable": "unreachable",
           "未联系上": "unreachable", "无法联系": "unreachable", "refused": "refused", "拒绝": "refused"}
STATUSES_ZH = {"pending": "待联系", "attempted": "已尝试", "contacted": "已联系", "ended": "已注销",
               "missed": "漏访", "unreachable": "无法联系"}
EMPLOYMENT = {"unemployed": "unemployed", "失业": "unemployed", "hired": "hired", "就业": "hired",
              "self_employed": "self_employed", "自主创业": "self_employed", "stable_income": "stable_income",
              "pension": "pension", "enrolled_in_school": "enrolled_in_school", "military_service": "military_service",
              "moved_abroad": "moved_abroad", "lost_work_ability": "lost_work_ability", "imprisoned": "imprisoned",
              "deceased": "deceased"}


def _choice(options: dict[str, str], what: str, what_zh: str) -> Any:
    def read(value: object) -> object:
        text = str(text_cell(value))
        if text not in options:
            raise CellError("SCHEMA-ENUM", f"{text!r} is not a {what} ({', '.join(sorted(set(options.values())))})",
                            f"“{text}”不是有效的{what_zh}")
        return options[text]
    return read


def _uuid(value: object) -> object:
    try:
        return uuid.UUID(str(text_cell(value)))
    except ValueError:
        raise CellError("SCHEMA-UUID", f"{value!r} is not an entry id", f"“{value}”不是有效的台账编号") from None


def _yes_no(value: object) -> object:
    text = str(text_cell(value)).lower()
    if text in ("是", "yes", "true", "1", "y"):
        return True
    if text in ("否", "no", "false", "0", "n"):
        return False
    raise CellError("SCHEMA-BOOL", f"{value!r} is not 是 or 否", f"{value!r} 应填“是”或“否”")


TEMPLATE = Template("跟踪调查台账", [
    Column("entry_id", "台账编号", _uuid, width=38),
    Column("registration_id", "登记编号", required=False, width=38),
    Column("person_id", "人员编号", required=False, width=38),
    Column("agency_region_code", "经办机构区划", required=False, width=12),
    Column("month", "月份", required=False, width=9),
    Column("status", "状态", required=False, width=9),
    Column("due_on", "应联系截止日", required=False, width=12),  # shown for the town; not read back
    Column("method", "联系方式", _choice(METHODS, "method", "联系方式"), required=False, width=10),
    Column("contacted_on", "联系日期", date_cell, required=False, width=12),
    Column("result", "联系结果", _choice(RESULTS, "result", "联系结果"), required=False, width=10),
    Column("refusal_justified", "拒绝理由正当", _yes_no, required=False, width=10),
    Column("employment_status", "就业状态", _choice(EMPLOYMENT, "employment status", "就业状态"), required=False),
    Column("monthly_income_fen", "月收入（分）", int_cell, required=False, width=12),
    Column("employer_name", "用人单位", required=False, width=24),
    Column("employer_credit_code", "统一社会信用代码", required=False, width=20),
    Column("note", "备注", required=False, width=30),
])
_HEADER = {c.key: c.header_zh for c in TEMPLATE.columns}
_FIELD_COLUMN = {"contacted_on": "联系日期", "employment_status": "就业状态", "monthly_income_fen": "月收入（分）"}


def _export_row(row: Row[Any]) -> dict[str, object]:
    entry_id, registration_id, person_id, region, month, status, due_on = tuple(row)[:7]
    return {"entry_id": str(entry_id), "registration_id": str(registration_id), "person_id": str(person_id),
            "agency_region_code": region, "month": month_text(month), "status": STATUSES_ZH.get(str(status), status),
            "due_on": due_on}


async def export_response(database: Database, principal: Principal, month: date, region: str | None
                          ) -> FileResponse:
    """Writes a month's ledger of a region to a temporary .xlsx and returns it as a download (removed once
    sent). Rows come from a server-side cursor CHUNK at a time and are written by xlsxwriter in a thread in
    constant-memory mode, so neither side holds the month."""
    loop = asyncio.get_running_loop()
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        async with database.transaction() as session:
            result = await session.stream(
                repository.export_statement(principal, month, region).execution_options(yield_per=CHUNK)
            )
            batches: AsyncIterator[Sequence[Row[Any]]] = result.partitions(CHUNK)

            async def next_batch() -> Sequence[Row[Any]] | None:
                return await anext(batches, None)

            def rows() -> Iterator[dict[str, object]]:
                while (batch := asyncio.run_coroutine_threadsafe(next_batch(), loop).result()) is not None:
                    yield from (_export_row(row) for row in batch)

            await asyncio.to_thread(write_xlsx, TEMPLATE, rows(), path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=XLSX_MEDIA_TYPE, filename=f"ledger-{month_text(month)}.xlsx",
                        background=BackgroundTask(os.unlink, path))


def _body(values: dict[str, object]) -> ContactCreate:
    employer = values.get("employer_name")
    return ContactCreate.model_validate({
        "method": values["method"], "contacted_on": values["contacted_on"], "result": values["result"],
        "refusal_justified": bool(values.get("refusal_justified") or False),
        "employment_status": values.get("employment_status"), "monthly_income_fen": values.get("monthly_income_fen"),
        "employer": {"name": employer, "credit_code": values.get("employer_credit_code") or None} if employer
        else None,
        "note": str(values.get("note") or "")[:2000],
    })


def _check(sheet: ReadSheet, line: int, values: dict[str, object], target: ImportTarget | None, today: date,
           policy: PolicyRegistry) -> ContactCreate | None:
    """Checks one row as the endpoint would; records its errors on the sheet and returns the contact or None."""
    if target is None:
        add_row_error(sheet, RowError(line, _HEADER["entry_id"], "ledger.entry_unknown",
                                      "no entry with this id in your region", "您的辖区内没有该台账编号"))
        return None
    missing = [k for k in ("method", "contacted_on", "result") if values.get(k) is None]
    for key in missing:
        add_row_error(sheet, RowError(line, _HEADER[key], "SCHEMA-REQUIRED", f"{_HEADER[key]} is required",
                                      f"{_HEADER[key]}不能为空"))
    if missing:
        return None
    try:
        service.check_open(target.status, target.closed, target.month)
    except (EntryEnded, EntryClosed) as exc:
        add_row_error(sheet, RowError(line, _HEADER["entry_id"], exc.code, exc.detail, exc.detail_zh))
        return None
    try:
        body = _body(values)
    except ValueError as exc:
        add_row_error(sheet, RowError(line, _HEADER["note"], "SCHEMA-ROW", str(exc)[:300], "该行数据格式错误"))
        return None
    results = service.contact_checks(body, target.month, target.registered_on, today, target.agency_region_code,
                                     policy)
    for failed in failures(results):
        add_row_error(sheet, RowError(line, _FIELD_COLUMN.get(failed.field or "", _HEADER["contacted_on"]),
                                      failed.rule, failed.reason, failed.reason_zh))
    return None if failures(results) else body


async def import_contacts(
    session: AsyncSession, principal: Principal, content: bytes, policy: PolicyRegistry, calendar: WorkdayCalendar,
    today: date, now: datetime, *, partial: bool,
) -> ImportRead:
    """Imports contacts from the ledger template: every row is checked first (FU-CONTACT-DATE, FU-OUTCOME,
    DEREG-INCOME, entry closed or ended); then, unless a row failed and `partial` is off, the good rows are
    written CHUNK at a time with their outcomes' deregistration requests (FU-OUTCOME, FU-REFUSAL).

    The file is read twice, CHUNK rows at a time, so memory holds one chunk's rows and the errors, not the
    whole sheet: the first pass only checks; the second checks each chunk again in this transaction and
    applies it. A row the second pass refuses that the first accepted means the ledger changed meanwhile
    (a month closed): the import stops with a conflict and the transaction rolls back, nothing applied."""
    errors: list[RowError] = []
    rows = accepted = 0
    async for part, checked in _checked_chunks(session, principal, content, today, policy):
        errors.extend(part.errors)
        rows += len(part.good) + len(part.refused)
        accepted += len(checked)
    if errors and not partial:
        return import_answer(errors, rows, 0)
    applied = 0
    async for _part, checked in _checked_chunks(session, principal, content, today, policy):
        await _apply(session, principal, checked, policy, calendar, now)
        applied += len(checked)
    if applied != accepted:
        raise ImportChanged(
            "The ledger changed while the file was imported (a month was closed or an entry ended); "
            "nothing was imported: import the file again.",
            "导入过程中台账发生变化（月份已关闭或台账条目已终止），未导入任何内容，请重新导入。",
        )
    return import_answer(errors, rows, applied)


async def _checked_chunks(
    session: AsyncSession, principal: Principal, content: bytes, today: date, policy: PolicyRegistry,
) -> AsyncIterator[tuple[ReadSheet, list[tuple[int, ContactCreate, ImportTarget]]]]:
    """Reads the file CHUNK rows at a time and checks each row as the endpoint would: yields the chunk (its
    errors recorded on it) and the contacts that passed."""
    for part in read_xlsx_chunks(TEMPLATE, content, CHUNK):
        # A row left blank in the contact columns is a person not yet contacted: no row to import.
        part.rows = [(line, values) for line, values in part.rows
                     if any(values.get(k) is not None for k in ("method", "contacted_on", "result"))]
        lines = part.rows
        ids = [v["entry_id"] for _, v in lines if isinstance(v.get("entry_id"), uuid.UUID)]
        targets = await repository.entries_for_import(session, principal,
                                                      [i for i in set(ids) if isinstance(i, uuid.UUID)])
        checked: list[tuple[int, ContactCreate, ImportTarget]] = []
        for line, values in lines:
            entry_id = values.get("entry_id")
            target = targets.get(entry_id) if isinstance(entry_id, uuid.UUID) else None
            body = _check(part, line, values, target, today, policy)
            if body is not None and target is not None:
                checked.append((line, body, target))
        yield part, checked


async def _apply(session: AsyncSession, principal: Principal, rows: list[tuple[int, ContactCreate, ImportTarget]],
                 policy: PolicyRegistry, calendar: WorkdayCalendar, now: datetime) -> None:
    contacts: list[dict[str, Any]] = []
    states: dict[uuid.UUID, tuple[uuid.UUID, str, date | None, int]] = {}
    refusals: dict[uuid.UUID, ImportTarget] = {}
    work: list[tuple[uuid.UUID, str | None, date]] = []  # for FU-REVISIT, once the contacts are written
    for line, body, target in sorted(rows, key=lambda r: (r[1].contacted_on, r[0])):
        employment = body.employment_status.value if body.employment_status and body.result.value == "reached" \
            else None
        work.append((target.person_id, employment, body.contacted_on))
        request = outcome_deregistration(employment, body.contacted_on,
                                         policy.for_region(target.agency_region_code).citation("followup_outcome"))
        contact_id = uuid.uuid4()
        if request is not None:
            await service.request_deregistration(
                session, target.registration_id, request, principal.sub,
                {"contact_id": str(contact_id), "entry_id": str(target.entry_id), "month": month_text(target.month),
                 "import_row": line}, body.monthly_income_fen)
        if body.result.value == "refused" and not body.refusal_justified:
            refusals[target.registration_id] = target
        employer: Employer | None = body.employer
        contacts.append({
            "id": contact_id, "entry_id": target.entry_id, "registration_id": target.registration_id,
            "method": body.method.value, "contacted_on": body.contacted_on, "result": body.result.value,
            "refusal_justified": body.refusal_justified, "employment_status": employment,
            "monthly_income_fen": body.monthly_income_fen, "employer_name": employer.name if employer else None,
            "employer_credit_code": employer.credit_code if employer else None, "note": body.note,
            "recorded_by": principal.sub, "recorded_at": now,
            "deregistration_reason": request.reason if request else None,
            "deregistration_rule": request.rule if request else None,
            "deregistration_effective_date": request.effective_date if request else None,
        })
        _, status, first, attempts = states.get(
            target.entry_id, (target.entry_id, target.status, target.first_contacted_on, target.attempts))
        if body.result.value != "unreachable":
            first = min(d for d in (first, body.contacted_on) if d is not None)
        states[target.entry_id] = (target.entry_id, entry_status_after(status, body.result.value), first,
                                   attempts + 1)
    await repository.insert_contacts(session, contacts)
    await repository.apply_entry_states(session, list(states.values()), now)
    for person_id, employment, contacted_on in work:
        await service.revisits_on_work(session, person_id, employment, contacted_on, policy, calendar)
    for registration_id, target in refusals.items():
        threshold = service.refusal_threshold(policy, target.agency_region_code, target.month)
        request = await service.refusal_check(
            session, registration_id, threshold,
            policy.for_region(target.agency_region_code).citation("deregistration"),
        )
        if request is not None:
            await service.request_deregistration(session, registration_id, request, principal.sub,
                                                 {"entry_id": str(target.entry_id), "import": True})


