"""The certification workflow's periodic work: quarterly reviews (DIFF-QUARTERLY), active screening
(DIFF-SCREENING), automatic exits (DIFF-EXIT), overdue flags and re-counted estimated due dates."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from arq.connections import ArqRedis
from pydantic import JsonValue, ValidationError
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from eligibility_svc.certification import repository, service
from eligibility_svc.certification.errors import InvalidStep, ReviewDone, UnknownQuarter
from eligibility_svc.certification.models import (
    ApplicationStatus,
    CandidateStatus,
    DifficultyApplication,
    DifficultyCertification,
    DifficultyReview,
    ExitReason,
    ReviewStatus,
    ScreeningCandidate,
)
from eligibility_svc.certification.rules import (
    SCREENING_CATEGORIES,
    SOURCE_QUARTERLY,
    Quarter,
    RegistrationFact,
    exit_for_deregistration,
    is_overdue,
    merge_registration_facts,
    parse_quarter,
)
from eligibility_svc.certification.schemas import CandidateRead, CandidateUpdate, ReviewRead, ReviewResult
from eligibility_svc.difficulty.rules import (
    CategoryFacts,
    DeclaredStatus,
    DifficultyCase,
    HukouType,
    Person,
    evaluate_difficulty,
)
from eligibility_svc.difficulty.schemas import DifficultyRequest
from eligibility_svc.difficulty.service import difficulty_case
from shared.auth import Principal, forbidden
from shared.clients.registration import (
    MAX_FACT_PERSONS,
    RegistrationClient,
    RegistrationFacts,
    RegistrationFactsPage,
)
from shared.clock import Clock
from shared.deadlines import Deadline, StoredDeadlines
from shared.errors import Violation
from shared.events import RegistrationDeregistered
from shared.identity import Gender
from shared.jobs import Chunk, ChunkWork, submit_job
from shared.pagination import Page, PageRequest, to_page
from shared.policy import ParameterNotInForceError, PolicyPack, PolicyRegistry
from shared.policy.documents import cite
from shared.wording import date_zh

logger = logging.getLogger(__name__)

QUARTERLY_KIND = "difficulty_quarterly_review"
SCREENING_KIND = "difficulty_screening"
QUARTERLY_CHUNK = 5000
SCREENING_PAGE = 5000


def _arq(state: Any) -> ArqRedis:
    """Returns an arq client on the app's Redis connection pool (the app holds a plain redis client)."""
    return ArqRedis(connection_pool=state.redis.connection_pool)


# ---- DIFF-QUARTERLY ---------------------------------------------------------------------------------


def quarter_or_404(code: str) -> Quarter:
    """Returns the quarter of a `YYYY-Qn` code, or the 404 naming the format."""
    quarter = parse_quarter(code)
    if quarter is None:
        raise UnknownQuarter(f"{code!r} is not a quarter; write YYYY-Qn (e.g. 2027-Q1).",
                             f"“{code}”不是季度，格式为 YYYY-Qn（如 2027-Q1）。")
    return quarter


async def submit_quarterly(session: AsyncSession, state: Any, quarter: str, requested_by: str) -> RowMapping:
    """Requests the quarter's review generation as a batch job (one run per quarter at a time)."""
    quarter_or_404(quarter)
    row, _ = await submit_job(session, state.platform.job, _arq(state), state.settings.queue_name("eligibility"),
                              kind=QUARTERLY_KIND, period=quarter, requested_by=requested_by)
    return row


def _as_of(facts: Sequence[RegistrationFacts], on: date) -> list[RegistrationFact]:
    """The registrations as they stood on a day: later ones unseen, later deregistrations not yet effective."""
    stood: list[RegistrationFact] = []
    for r in facts:
        if r.registered_on is None or r.registered_on > on:
            continue
        ended = r.deregistration_effective_date is not None and r.deregistration_effective_date <= on
        status = r.status if ended or r.status != "deregistered" else "registered"
        stood.append(RegistrationFact(
            str(r.registration_id), status, r.registered_on, r.deregistration_reason if ended else None,
            r.deregistration_effective_date if ended else None,
        ))
    return stood


def unreadable_case_reason(exc: Exception) -> dict[str, JsonValue]:
    """Returns the review reason of a certification the quarterly run could not re-evaluate (its stored case
    no longer fits the evaluation, or the pack has no parameters in force on the quarter's first day)."""
    return {
        "rule": "DIFF-QUARTERLY", "fact": "case",
        "reason": f"re-evaluation not possible ({type(exc).__name__}); verify by hand",
        "reason_zh": "系统无法按现行规则自动复核该认定（所存申请信息与现行格式不符，或当日无有效政策参数），请人工核实",
        "source": cite(SOURCE_QUARTERLY),
    }


def review_reasons(
    certification: DifficultyCertification, quarter: Quarter, pack: PolicyPack,
    registrations: Sequence[RegistrationFacts] | None = None,
) -> list[dict[str, JsonValue]]:
    """Re-evaluates a certification on the quarter's first day, on the registration service's data as of that
    day when given; returns what changed in that data, the rules that fail now and the certified categories no
    longer met (DIFF-QUARTERLY). Empty: nothing to verify."""
    request = DifficultyRequest.model_validate(certification.case).model_copy(update={"as_of": quarter.first_day})
    case = difficulty_case(request)
    reasons: list[dict[str, JsonValue]] = []
    if registrations is not None:
        merged = merge_registration_facts(case.facts, case.status, _as_of(registrations, quarter.first_day))
        for used in merged.used:
            if used.used == "registration" and used.declared != used.registered and used.fact != "unemployed":
                reasons.append({"rule": "DIFF-QUARTERLY", "fact": used.fact, "reason": f"data changed: {used.reason}",
                                "reason_zh": f"数据变化：{used.reason_zh}", "source": cite(SOURCE_QUARTERLY)})
        case = replace(case, facts=merged.facts, status=merged.status)
    evaluation = evaluate_difficulty(case, pack)
    reasons += [
        {"rule": r.rule, "reason": r.reason, "reason_zh": r.reason_zh, "source": r.source}
        for r in evaluation.base_rules if not r.met
    ]
    met = {c.value for c in evaluation.categories_met}
    for result in evaluation.categories:
        if result.category.value in certification.categories and result.category.value not in met:
            reasons.append({"rule": "DIFF-QUARTERLY", "category": result.category.value, "reason": result.reason,
                            "reason_zh": result.reason_zh, "source": result.source})
    return reasons


async def registrations_by_person(
    client: RegistrationClient, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RegistrationFacts]]:
    """Reads the registrations of many persons, MAX_FACT_PERSONS per call (never one call per person)."""
    found: dict[uuid.UUID, list[RegistrationFacts]] = {p: [] for p in person_ids}
    for start in range(0, len(person_ids), MAX_FACT_PERSONS):
        batch = person_ids[start:start + MAX_FACT_PERSONS]
        after: uuid.UUID | None = None
        while True:
            page = await client.registration_facts(person_ids=batch, after=after, limit=10_000)
            for row in page.items:
                found[row.person_id].append(row)
            if page.next_after is None:
                break
            after = page.next_after
    return found


def quarterly_work(
    policy: PolicyRegistry, registration: Callable[[], RegistrationClient] | None = None,
    chunk_size: int = QUARTERLY_CHUNK, clock: Clock | None = None,
) -> ChunkWork:
    """Returns the chunk work of the quarterly review: active certifications in id order, re-evaluated on the
    registration data of the quarter's first day; those with reasons listed for their town with the report
    date (end of the quarter's first month)."""

    async def work(session: AsyncSession, job: RowMapping, resume_from: JsonValue) -> Chunk:
        quarter = quarter_or_404(str(job["period"]))
        state = resume_from if isinstance(resume_from, dict) else {}
        after = uuid.UUID(str(state["after"])) if state.get("after") else None
        certifications = await repository.active_certifications_after(session, after, chunk_size)
        data = (await registrations_by_person(registration(), [c.person_id for c in certifications])
                if registration is not None else {})
        packs: dict[str, PolicyPack] = {}
        rows: list[dict[str, object]] = []
        now = (clock or Clock()).now()
        for certification in certifications:
            region = certification.agency_region_code
            pack = packs.get(region) or packs.setdefault(region, policy.for_region(region))
            try:
                reasons = review_reasons(certification, quarter, pack,
                                         data.get(certification.person_id) if registration is not None else None)
            except (ValidationError, ParameterNotInForceError) as exc:
                # One stored case that today's rules cannot read must not stop the province's review: it is
                # listed for its town to verify by hand, and the engineer sees why in the log.
                logger.warning("certification not re-evaluated; listed for verification by hand", extra={
                    "certification_id": str(certification.id), "quarter": quarter.code,
                    "error": f"{type(exc).__name__}: {str(exc)[:300]}"})
                reasons = [unreadable_case_reason(exc)]
            if reasons:
                rows.append({"id": uuid.uuid4(), "certification_id": certification.id,
                             "person_id": certification.person_id, "quarter": quarter.code,
                             "agency_region_code": region, "reasons": reasons, "report_due": quarter.report_due,
                             "status": ReviewStatus.PENDING.value, "created_at": now})
        listed = await repository.insert_reviews(session, rows)
        total_listed = int(str(state.get("listed", 0))) + listed
        if len(certifications) < chunk_size:
            return Chunk(len(certifications), None, result={"quarter": quarter.code, "listed": total_listed,
                                                           "report_due": quarter.report_due.isoformat()})
        return Chunk(len(certifications), {"after": str(certifications[-1].id), "listed": total_listed})

    return work


def review_read(review: DifficultyReview, today: date) -> ReviewRead:
    """Returns the API view of a review item."""
    return ReviewRead(
        id=review.id, certification_id=review.certification_id, person_id=review.person_id, quarter=review.quarter,
        agency_region_code=review.agency_region_code, reasons=list(review.reasons), report_due=review.report_due,
        overdue=review.status is ReviewStatus.PENDING and is_overdue(review.report_due, None, today),
        status=review.status, method=review.method, verified_on=review.verified_on,
        result_reason=review.result_reason, created_at=review.created_at,
    )


async def list_reviews(
    session: AsyncSession, principal: Principal, *, quarter: str | None, region: str | None,
    status: ReviewStatus | None, page: PageRequest, today: date,
) -> Page[ReviewRead]:
    """Lists review items of the caller's region, oldest first."""
    rows = await repository.list_reviews(session, principal, quarter=quarter, region=region,
                                         status=status.value if status else None, page=page)
    return to_page(rows, page, lambda r: review_read(r, today), lambda r: (r.created_at, r.id))


async def report_review(
    session: AsyncSession, env: service.WorkflowEnv, principal: Principal, review_id: uuid.UUID,
    body: ReviewResult, today: date,
) -> ReviewRead:
    """Records a town's verification; no_longer_eligible ends the certification (DIFF-QUARTERLY)."""
    review = await repository.get_review(session, principal, review_id)
    if review is None:
        raise forbidden()
    if review.status is not ReviewStatus.PENDING:
        raise ReviewDone(f"The review was reported already ({review.status.value}).", "该审验已报送结果。",
                         [Violation("DIFF-QUARTERLY", "status", review.status.value, review.status.value)])
    quarter = quarter_or_404(review.quarter)
    if body.verified_on > today or body.verified_on < quarter.first_day:
        message = (f"verified_on {body.verified_on.isoformat()} must lie between the quarter's first day "
                   f"{quarter.first_day.isoformat()} and today {today.isoformat()}")
        message_zh = f"核查日期须在季度首日（{date_zh(quarter.first_day)}）与今天（{date_zh(today)}）之间"
        raise InvalidStep(message, message_zh, [Violation("DIFF-QUARTERLY", "verified_on", message, message_zh)])
    review.status = ReviewStatus(body.result)
    review.method = body.method
    review.verified_on = body.verified_on
    review.result_reason = body.reason
    review.reported_by = principal.sub
    if review.status is ReviewStatus.NO_LONGER_ELIGIBLE:
        for certification in await repository.active_certifications_of(session, review.person_id):
            if certification.id == review.certification_id:
                await service.end_certification(session, env, certification, ExitReason.NO_LONGER_MEETS_CATEGORY,
                                                body.verified_on, f"{cite(SOURCE_QUARTERLY)}：{body.reason}",
                                                principal.sub)
    await session.flush()
    return review_read(review, today)


# ---- DIFF-SCREENING ---------------------------------------------------------------------------------


async def submit_screening(session: AsyncSession, state: Any, today: date, requested_by: str) -> RowMapping:
    """Requests a screening run as a batch job (one per day at a time)."""
    row, _ = await submit_job(session, state.platform.job, _arq(state), state.settings.queue_name("eligibility"),
                              kind=SCREENING_KIND, period=today.isoformat(), requested_by=requested_by)
    return row


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registered person whose data show a screening category, with the reasons."""

    person_id: uuid.UUID
    registration_id: uuid.UUID
    agency_region_code: str
    categories: list[str]
    reasons: list[dict[str, JsonValue]]


def screen(facts: Sequence[RegistrationFacts], policy: PolicyRegistry, on: date) -> list[Candidate]:
    """Evaluates registered persons on their registration data (registered unemployed: the declared status
    holds); returns those eligible with a category the data show (DIFF-SCREENING)."""
    packs: dict[str, PolicyPack] = {}
    found: list[Candidate] = []
    status = DeclaredStatus(True, True, True)
    for row in facts:
        if row.gender is None or row.birth_date is None or row.birth_date > on:
            continue
        region = row.agency_region_code
        pack = packs.get(region) or packs.setdefault(region, policy.for_region(region))
        case = DifficultyCase(
            as_of=on,
            person=Person(Gender(row.gender), row.birth_date, None, row.hukou_region_code, HukouType(row.hukou_type)),
            status=status,
            facts=CategoryFacts(disability_certificate=row.disability, latest_registration_date=row.registered_on),
            agency_region_code=region,
        )
        evaluation = evaluate_difficulty(case, pack)
        if not evaluation.eligible:
            continue
        met = [c for c in evaluation.categories if c.met and c.category in SCREENING_CATEGORIES]
        if met:
            found.append(Candidate(
                row.person_id, row.registration_id, region, [c.category.value for c in met],
                [{"rule": "DIFF-SCREENING", "category": c.category.value, "reason": c.reason,
                  "reason_zh": c.reason_zh, "source": c.source} for c in met],
            ))
    return found


def screening_work(
    policy: PolicyRegistry, registration: Callable[[], RegistrationClient], page_size: int = SCREENING_PAGE,
    clock: Clock | None = None,
) -> ChunkWork:
    """Returns the chunk work of active screening: one page of registered persons from the registration
    service per chunk (never one call per person), candidates listed for their town. The next page is
    fetched while this one is evaluated and stored."""
    ahead: dict[str, asyncio.Task[RegistrationFactsPage]] = {}

    def fetch(after: uuid.UUID | None) -> asyncio.Task[RegistrationFactsPage]:
        return asyncio.ensure_future(
            registration().registration_facts(status="registered", after=after, limit=page_size)
        )

    async def work(session: AsyncSession, job: RowMapping, resume_from: JsonValue) -> Chunk:
        on = date.fromisoformat(str(job["period"]))
        state = resume_from if isinstance(resume_from, dict) else {}
        after = uuid.UUID(str(state["after"])) if state.get("after") else None
        prefetched = ahead.pop(f"{job['id']}:{after}", None)
        page = await (prefetched if prefetched is not None else fetch(after))
        for stale in ahead.values():  # a run that resumed elsewhere: nothing else is ahead any more
            stale.cancel()
        ahead.clear()
        if page.next_after is not None:
            ahead[f"{job['id']}:{page.next_after}"] = fetch(page.next_after)
        candidates = screen(page.items, policy, on)
        excluded = await repository.persons_excluded_from_screening(session, [c.person_id for c in candidates])
        now = (clock or Clock()).now()
        rows: list[dict[str, object]] = [
            {"id": uuid.uuid4(), "person_id": c.person_id, "registration_id": c.registration_id,
             "agency_region_code": c.agency_region_code, "categories": c.categories, "reasons": c.reasons,
             "status": CandidateStatus.LISTED.value, "listed_on": on, "created_at": now}
            for c in candidates if c.person_id not in excluded
        ]
        await repository.upsert_candidates(session, rows)
        listed = int(str(state.get("listed", 0))) + len(rows)
        if page.next_after is None:
            return Chunk(len(page.items), None, result={"on": on.isoformat(), "listed": listed})
        return Chunk(len(page.items), {"after": str(page.next_after), "listed": listed})

    return work


def candidate_read(c: ScreeningCandidate) -> CandidateRead:
    """Returns the API view of a screening candidate."""
    return CandidateRead(
        id=c.id, person_id=c.person_id, registration_id=c.registration_id, agency_region_code=c.agency_region_code,
        categories=list(c.categories), reasons=list(c.reasons), status=c.status, listed_on=c.listed_on,
        created_at=c.created_at,
    )


async def list_candidates(
    session: AsyncSession, principal: Principal, *, region: str | None, page: PageRequest
) -> Page[CandidateRead]:
    """Lists screening candidates of the caller's region, oldest first."""
    rows = await repository.list_candidates(session, principal, region=region, status=None, page=page)
    return to_page(rows, page, candidate_read, lambda c: (c.created_at, c.id))


async def update_candidate(
    session: AsyncSession, principal: Principal, candidate_id: uuid.UUID, body: CandidateUpdate
) -> CandidateRead:
    """Marks a candidate invited or declined by their town (DIFF-SCREENING)."""
    candidate = await repository.get_candidate(session, principal, candidate_id)
    if candidate is None:
        raise forbidden()
    candidate.status = CandidateStatus(body.status)
    candidate.updated_by = principal.sub
    await session.flush()
    return candidate_read(candidate)


# ---- DIFF-EXIT: automatic exits ---------------------------------------------------------------------


async def exit_on_deregistration(
    session: AsyncSession, env: service.WorkflowEnv, event: RegistrationDeregistered
) -> int:
    """Ends the person's certification when the registration is deregistered for work, pension, death or
    prison (DIFF-EXIT); returns how many ended (0 or 1)."""
    reason = exit_for_deregistration(event.reason)
    if reason is None:
        return 0
    await repository.lock_person(session, event.person_id)
    ended = 0
    for certification in await repository.active_certifications_of(session, event.person_id):
        on = max(event.effective_date, certification.certified_on)
        await service.end_certification(session, env, certification, reason, on,
                                        f"registration {event.registration_id} deregistered: {event.reason}",
                                        "registration.deregistered")
        ended += 1
    logger.info("deregistration seen", extra={"rule": "DIFF-EXIT", "person_id": str(event.person_id),
                                              "reason": event.reason, "ended": ended})
    return ended


async def exit_on_retirement(session: AsyncSession, env: service.WorkflowEnv, today: date) -> int:
    """Ends every certification whose holder has reached the statutory retirement date (DIFF-EXIT, T-RETIRE)."""
    certifications = await repository.active_reaching_retirement(session, today)
    for certification in certifications:
        await service.end_certification(session, env, certification, ExitReason.RETIREMENT,
                                        certification.retirement_date, "statutory retirement date (T-RETIRE)",
                                        "retirement-job")
    await session.flush()
    return len(certifications)


# ---- overdue steps, reported upward by region -------------------------------------------------------


def overdue_steps(application: DifficultyApplication, today: date) -> list[str]:
    """Returns the rules of the application's overdue steps."""
    if application.status is ApplicationStatus.SUBMITTED and is_overdue(application.preliminary_due, None, today):
        return ["DIFF-PRELIMINARY"]
    waiting = application.status in (ApplicationStatus.IN_PUBLIC_NOTICE, ApplicationStatus.UNDER_RE_REVIEW)
    if waiting and is_overdue(application.review_due, None, today):
        return ["DIFF-REVIEW"]
    return []


async def flag_overdue(session: AsyncSession, today: date) -> dict[str, dict[str, int]]:
    """Flags open applications and review items past their due date; returns counts per county and rule,
    for the report upward (a county's figures roll up to its city and province by code prefix)."""
    counts: Counter[tuple[str, str]] = Counter()
    late: list[uuid.UUID] = []
    for application in await repository.open_applications_with_steps(session):
        rules = overdue_steps(application, today)
        if rules:
            late.append(application.id)
            for rule in rules:
                counts[(application.agency_region_code[:6], rule)] += 1
    for review in await repository.pending_reviews_overdue(session, today):
        counts[(review.agency_region_code[:6], "DIFF-QUARTERLY")] += 1
    await repository.mark_flagged(session, late, today)
    report: dict[str, dict[str, int]] = {}
    for (county, rule), n in sorted(counts.items()):
        report.setdefault(county, {})[rule] = n
    return report


# ---- re-counting estimated due dates ----------------------------------------------------------------


def _move_preliminary(application: DifficultyApplication, due: Deadline, today: date) -> None:
    application.preliminary_due, application.preliminary_due_estimated = due.due_on, due.estimated


def _move_review(application: DifficultyApplication, due: Deadline, today: date) -> None:
    application.review_due, application.review_due_estimated = due.due_on, due.estimated


def _preliminary(application: DifficultyApplication) -> Deadline:
    assert application.complete_on is not None and application.preliminary_due is not None
    return Deadline("DIFF-PRELIMINARY", application.complete_on, application.preliminary_workdays or 0,
                    application.preliminary_due, application.preliminary_due_estimated,
                    application.preliminary_source or "")


def _review(application: DifficultyApplication) -> Deadline:
    assert application.review_from is not None and application.review_due is not None
    return Deadline("DIFF-REVIEW", application.review_from, application.review_workdays or 0,
                    application.review_due, application.review_due_estimated, application.review_source or "")


STORED_PRELIMINARY_DUES = StoredDeadlines[DifficultyApplication](
    "DIFF-PRELIMINARY", repository.estimated_preliminary, _preliminary, _move_preliminary
)
STORED_REVIEW_DUES = StoredDeadlines[DifficultyApplication](
    "DIFF-REVIEW", repository.estimated_review, _review, _move_review
)
