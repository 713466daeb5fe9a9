"""Verifies declarations by data comparison, loads reference data, keeps home-visit tasks (002 §三)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.verification import repository
from registration_svc.verification.adapters import VerificationSource, default_sources
from registration_svc.verification.errors import (
    HomeVisitAlreadyDone,
    InvalidReferenceRows,
    MalformedReferenceFile,
    VisitBeforeApplication,
    VisitInFuture,
)
from registration_svc.verification.findings import (
    Declaration,
    VerificationFinding,
    VerificationOutcome,
    VerificationReport,
)
from registration_svc.verification.models import (
    HomeVisitOutcome,
    HomeVisitStatus,
    HomeVisitTask,
    ReferenceBatch,
    SourceName,
)
from registration_svc.verification.reference_csv import CsvFileError, parse_reference_csv
from registration_svc.verification.schemas import HomeVisitTaskRead
from shared.auth import Principal, forbidden
from shared.errors import Violation
from shared.identity import normalize_id_number
from shared.labels import label_zh

__all__ = [
    "Declaration",
    "VerificationFinding",
    "VerificationOutcome",
    "VerificationReport",
    "VerificationSource",
    "complete_home_visit_task",
    "create_home_visit_task",
    "default_sources",
    "replace_reference_data",
    "verify_declaration",
]

logger = logging.getLogger(__name__)

MAX_LISTED_PROBLEMS = 100

# The declaration items every report covers, with what the applicant declared for each.
_DECLARED: tuple[tuple[str, str, str, str], ...] = (
    ("REG-ID", "identity", "identity", "身份信息"),
    ("REG-UNEMPLOYED", "unemployed", "being unemployed", "处于无业状态"),
    ("REG-ABLE", "able_to_work", "being able to work", "有劳动能力"),
    ("REG-WILLING", "wants_work", "wanting work", "有就业要求"),
    ("REG-PENSION", "receiving_pension", "receiving no basic pension", "未领取基本养老金"),
)


def _declaration_unknown(rule: str, what: str, what_zh: str, clause: str) -> VerificationFinding:
    return VerificationFinding(
        "declaration", rule, VerificationOutcome.UNKNOWN,
        f"{what}: declared by the applicant; no connected source can confirm it, a home visit can "
        f"({rule}, {clause})",
        f"{what_zh}：由申请人承诺，暂无可比对的数据来源，可通过上门调查核实（{rule}，{clause}）",
    )


def summarize(findings: list[VerificationFinding], clause: str) -> VerificationReport:
    """Returns the report of a set of findings: confirmed needs REG-ID and REG-UNEMPLOYED confirmed and
    nothing contradicted; a home visit is needed when nothing is contradicted but it is not confirmed. A rule
    no finding covers is reported unknown, citing `clause` (the region's verification clause)."""
    covered = {f.rule for f in findings}
    complete = list(findings)
    for rule, _, what, what_zh in _DECLARED:
        if rule not in covered:
            complete.append(_declaration_unknown(rule, what, what_zh, clause))
    contradicted = [f for f in complete if f.outcome is VerificationOutcome.CONTRADICTED]
    confirmed_rules = {f.rule for f in complete if f.outcome is VerificationOutcome.CONFIRMED}
    confirmed = not contradicted and {"REG-ID", "REG-UNEMPLOYED"} <= confirmed_rules
    return VerificationReport(
        findings=complete, confirmed=confirmed, contradicted=contradicted,
        needs_home_visit=not contradicted and not confirmed,
    )


async def verify_declaration(
    session: AsyncSession,
    id_number: str,
    declaration: Declaration,
    *,
    on: date,
    clause: str,
    screening: str = "",
    sources: Sequence[VerificationSource] | None = None,
) -> VerificationReport:
    """Compares a declaration with every configured source (REG-ID, REG-UNEMPLOYED, REG-PENSION, ...); the
    findings cite `clause`, the verification clause of the pack of the registration's region (`screening`, its
    difficulty-screening clause, where a person may qualify as a person with employment difficulty)."""
    number = normalize_id_number(id_number)
    findings: list[VerificationFinding] = []
    # One session cannot run queries concurrently, so the sources are asked one after another.
    for source in default_sources() if sources is None else sources:
        findings.extend(await source.check(session, number, declaration, on=on, clause=clause, screening=screening))
    report = summarize(findings, clause)
    logger.info(
        "declaration verified",
        extra={"confirmed": report.confirmed, "contradicted": [f.rule for f in report.contradicted],
               "needs_home_visit": report.needs_home_visit},
    )
    return report


async def create_home_visit_task(
    session: AsyncSession,
    registration_id: uuid.UUID,
    person_id: uuid.UUID,
    agency_region_code: str,
    due_on: date,
    reason: str,
) -> uuid.UUID:
    """Creates an open home-visit task (上门调查, 002 §三); returns the open task of the registration if
    there is one already."""
    return await repository.insert_open_task(session, dict(
        id=uuid.uuid4(), registration_id=registration_id, person_id=person_id,
        agency_region_code=agency_region_code, due_on=due_on, reason=reason, created_at=datetime.now(UTC),
    ))


def task_read(task: HomeVisitTask, today: date) -> HomeVisitTaskRead:
    """Returns the API view of a home-visit task; an open one past its due date is overdue."""
    return HomeVisitTaskRead(
        id=task.id, registration_id=task.registration_id, person_id=task.person_id,
        agency_region_code=task.agency_region_code, due_on=task.due_on,
        overdue=task.status == HomeVisitStatus.OPEN and task.due_on < today,
        reason=task.reason, status=HomeVisitStatus(task.status), created_at=task.created_at,
        completed_at=task.completed_at, completed_by=task.completed_by,
        visited_on=task.visited_on, outcome=HomeVisitOutcome(task.outcome) if task.outcome else None,
        outcome_rules=task.outcome_rules or [], outcome_note=task.outcome_note,
    )


async def get_task(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> HomeVisitTask:
    """Gets a task of the caller's region; a missing one and one out of scope give the same 403."""
    task = await repository.get_task(session, principal, task_id, for_update=for_update)
    if task is None:
        raise forbidden()
    return task


async def complete_home_visit_task(
    session: AsyncSession,
    task: HomeVisitTask,
    *,
    outcome: HomeVisitOutcome,
    visited_on: date,
    rules: Sequence[str],
    note: str,
    completed_by: str,
    today: date,
    applied_on: date | None = None,
) -> HomeVisitTask:
    """Records a visit's outcome on an open task (locked by the caller) and closes it; 409 if done, 422
    for a visit dated after today or before the day the person applied."""
    if applied_on is not None and visited_on < applied_on:
        raise VisitBeforeApplication(
            f"visited_on {visited_on.isoformat()} is before the application of {applied_on.isoformat()}.",
            f"走访日期 {visited_on.isoformat()} 早于申请日期 {applied_on.isoformat()}。",
            [Violation("SCHEMA-DATE-ORDER", "visited_on", "visited_on is before the application",
                       "走访日期早于申请日期")],
        )
    if visited_on > today:
        raise VisitInFuture(
            f"visited_on {visited_on.isoformat()} is after today {today.isoformat()}.",
            f"走访日期 {visited_on.isoformat()} 晚于今天 {today.isoformat()}。",
            [Violation("SCHEMA-FUTURE-DATE", "visited_on", "visited_on is after today", "走访日期晚于今天")],
        )
    if task.status != HomeVisitStatus.OPEN.value:
        raise HomeVisitAlreadyDone(
            f"The home-visit task was already completed ({task.outcome}).",
            f"该上门调查任务已完成（{label_zh(task.outcome) if task.outcome else '结果未记录'}）。",
        )
    task.status = HomeVisitStatus.DONE
    task.outcome = outcome
    task.visited_on = visited_on
    task.outcome_rules = list(rules)
    task.outcome_note = note
    task.completed_at = datetime.now(UTC)
    task.completed_by = completed_by
    await session.flush()
    return task


def _bad_file(detail: str, detail_zh: str) -> MalformedReferenceFile:
    return MalformedReferenceFile(f"The CSV file cannot be read: {detail}. Nothing was loaded.",
                                  f"无法读取该 CSV 文件：{detail_zh}。未导入任何数据。")


async def replace_reference_data(
    session: AsyncSession, source: SourceName, content: bytes, loaded_by: str
) -> ReferenceBatch:
    """Replaces a source's data with a CSV file in the caller's transaction; any bad line rejects all."""
    try:
        rows, problems = parse_reference_csv(source, content)
    except CsvFileError as exc:
        raise _bad_file(exc.message, exc.message_zh) from None
    if problems:
        listed = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(listed)
        suffix, suffix_zh = ("", "")
        if more:
            suffix, suffix_zh = f" (the first {len(listed)} are listed)", f"（列出前{len(listed)}个）"
        raise InvalidReferenceRows(
            f"{len(problems)} problem(s) in the file{suffix}; nothing was loaded.",
            f"文件中有{len(problems)}处错误{suffix_zh}，未导入任何数据。",
            [Violation("SCHEMA-CSV", f"line {p.line}" + (f".{p.column}" if p.column else ""),
                       f"line {p.line}" + (f", column {p.column}" if p.column else "") + f": {p.message}",
                       f"第{p.line}行" + (f"“{p.column}”列" if p.column else "") + f"：{p.message_zh}")
             for p in listed],
        )
    await repository.lock_source(session, source.value)
    batch = ReferenceBatch(
        id=uuid.uuid4(), source=source.value, row_count=len(rows),
        content_sha256=hashlib.sha256(content).hexdigest(), loaded_at=datetime.now(UTC), loaded_by=loaded_by,
    )
    await repository.replace_records(session, batch, rows)
    logger.info("reference data replaced", extra={"source": source.value, "rows": len(rows),
                                                  "batch_id": str(batch.id)})
    return batch


@dataclass(frozen=True)
class ReferenceSummary:
    """What a source holds now."""

    source: SourceName
    batch: ReferenceBatch | None
    counts: list[repository.KindCount]


async def reference_summary(session: AsyncSession, source: SourceName) -> ReferenceSummary:
    """Gets the current load of a source and its record counts by kind and status."""
    batch = await repository.latest_batch(session, source.value)
    counts = await repository.kind_counts(session, source.value) if batch is not None else []
    return ReferenceSummary(source, batch, counts)
