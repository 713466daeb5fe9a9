"""Recommendation use cases: rank the published vacancies for a person (read from the registration service),
recommend one (also a job_recommendation service), record its outcome (hired requests the deregistration
`hired` and schedules the revisits of an assisted person; a decline without good reason counts toward
FU-REFUSAL), and list them."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.ledger import repository as ledger
from followup_svc.ledger.rules import DeregistrationRequest
from followup_svc.ledger.service import refusal_check, refusal_threshold, request_deregistration
from followup_svc.person.service import require_person
from followup_svc.recommendation import repository
from followup_svc.recommendation.errors import (
    AlreadyRecommended,
    InvalidOutcome,
    InvalidRecommendation,
    JobSeekerNotPublished,
    OutcomeRecorded,
    VacancyNotPublished,
    VacancyUnknown,
)
from followup_svc.recommendation.models import JobRecommendation, RecommendationResult
from followup_svc.recommendation.rules import (
    RECOMMEND_RULE,
    check_outcome,
    check_recommended_on,
    check_vacancy_published,
    hired_deregistration,
    transition_refused,
)
from followup_svc.recommendation.schemas import (
    DeregistrationAsked,
    MatchReasonRead,
    OutcomeCreate,
    RecommendationCreate,
    RecommendationRead,
    VacancyMatches,
    VacancyMatchRead,
)
from followup_svc.revisit.service import schedule_revisits
from followup_svc.service_record import service as services
from followup_svc.service_record.models import ServiceKind
from followup_svc.service_record.schemas import ServiceCreate
from shared.auth import Principal, forbidden
from shared.calendar import WorkdayCalendar
from shared.clients.registration import RegistrationClient
from shared.errors import DomainError, Violation
from shared.explain import RuleResult
from shared.matching import rank_vacancies
from shared.pagination import Page, PageRequest, to_page
from shared.policy import PolicyRegistry

logger = logging.getLogger(__name__)

MATCH_RULE = "JOB-MATCH"


def _violations(results: list[RuleResult]) -> list[Violation]:
    return [Violation(r.rule, r.field, f"{r.reason} ({r.rule}, {r.source})", f"{r.reason_zh}（{r.rule}，{r.source}）")
            for r in results]


def _refusal(error: type[DomainError], results: list[RuleResult]) -> DomainError:
    rules = ", ".join(dict.fromkeys(r.rule for r in results))
    return error(f"Refused by {rules}: " + "; ".join(r.reason for r in results) + ".",
                 f"未通过 {rules}：" + "；".join(r.reason_zh for r in results) + "。", _violations(results))


def to_read(row: JobRecommendation, request: DeregistrationRequest | None = None, revisits: int = 0
            ) -> RecommendationRead:
    """Returns the API view of a recommendation (with the deregistration this call requested, if any)."""
    asked = None
    if request is not None:
        asked = DeregistrationAsked(reason=request.reason, effective_date=request.effective_date, rule=request.rule,
                                    reason_explained=request.why, reason_explained_zh=request.why_zh)
    elif row.deregistration_reason and row.deregistration_rule and row.result_on:
        asked = DeregistrationAsked(
            reason=row.deregistration_reason, effective_date=row.result_on, rule=row.deregistration_rule,
            reason_explained=f"{row.deregistration_rule}: deregistration {row.deregistration_reason} requested",
            reason_explained_zh=f"{row.deregistration_rule}：已申请注销",
        )
    return RecommendationRead(
        id=row.id, person_id=row.person_id, agency_region_code=row.agency_region_code, vacancy_id=row.vacancy_id,
        vacancy_title=row.vacancy_title, occupation_code=row.occupation_code,
        vacancy_region_code=row.vacancy_region_code, recommended_on=row.recommended_on,
        recommended_by=row.recommended_by, service_id=row.service_record_id, interviewed_on=row.interviewed_on,
        result=row.result, result_on=row.result_on, declined_justified=row.declined_justified,
        outcome_by=row.outcome_by, deregistration_requested=asked, revisits_scheduled=revisits,
        created_at=row.created_at,
    )


def _match_region(agency_region_code: str, intended: list[str]) -> str | None:
    # Read only the province the person wants to work in (their agency's, when they named no region): the
    # matching scores a workplace outside the intended regions low anyway, and a province is far fewer rows.
    provinces = {code[:2] for code in (intended or [agency_region_code])}
    return f"{provinces.pop()}0000" if len(provinces) == 1 else None


async def vacancy_matches(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, client: RegistrationClient, limit: int,
    policy: PolicyRegistry,
) -> VacancyMatches:
    """Ranks the published vacancies for a person of the caller's region by their published job-seeker
    intentions and skills (shared.matching), each with its score and reasons. 409 without a published
    job-seeker registration; 503 naming the registration service when it cannot be read. Cites the
    recommendation clause of the pack of the person's region."""
    person = await require_person(session, principal, person_id, MATCH_RULE)
    seeker = await client.published_job_seeker(person_id)
    if seeker is None:
        raise JobSeekerNotPublished(
            "The person has no published job-seeker registration: matching needs their intentions and skills.",
            "本人没有已发布的求职登记，无法按求职意向和技能匹配岗位。",
            [Violation(MATCH_RULE, "person_id", "no published job-seeker registration", "无已发布的求职登记")],
        )
    region = _match_region(person.agency_region_code, seeker.region_codes)
    vacancies = await client.open_vacancies(region)
    by_id = {vacancy.id: vacancy for vacancy in vacancies}
    ranked = rank_vacancies(seeker.profile(), [vacancy.matchable() for vacancy in vacancies], limit)
    return VacancyMatches(
        person_id=person_id, job_seeker_id=seeker.id, region=region, considered=len(vacancies),
        items=[VacancyMatchRead(
            vacancy=by_id[match.vacancy_id], score=match.score,
            reasons=[MatchReasonRead(factor=r.factor, points=r.points, max_points=r.max_points, reason=r.reason,
                                     reason_zh=r.reason_zh) for r in match.reasons],
        ) for match in ranked],
        rule=MATCH_RULE, source=policy.for_region(person.agency_region_code).citation("recommendation"),
    )


async def recommend(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, body: RecommendationCreate,
    client: RegistrationClient, today: date, policy: PolicyRegistry,
) -> RecommendationRead:
    """Recommends a published vacancy to a person of the caller's region (JOB-RECOMMEND) and records it as a
    job_recommendation service in the same transaction, so that it counts toward the assistance tiers."""
    person = await require_person(session, principal, person_id, RECOMMEND_RULE)
    source = policy.for_region(person.agency_region_code).citation("recommendation")
    dated = check_recommended_on(body.recommended_on, today, source)
    if not dated.met:
        raise _refusal(InvalidRecommendation, [dated])
    if await repository.of_vacancy(session, person_id, body.vacancy_id) is not None:
        raise AlreadyRecommended(
            "This vacancy was already recommended to the person; record its outcome instead.",
            "该岗位已推荐给本人，请登记推荐结果。",
            [Violation(RECOMMEND_RULE, "vacancy_id", "vacancy already recommended to the person", "岗位已推荐过")],
        )
    vacancy = await client.get_vacancy(body.vacancy_id)
    if vacancy is None:
        raise VacancyUnknown(
            "The registration service has no such vacancy.", "登记服务中没有该岗位。",
            [Violation(RECOMMEND_RULE, "vacancy_id", "no such vacancy", "没有该岗位")],
        )
    published = check_vacancy_published(vacancy.status, vacancy.valid_until, body.recommended_on, source)
    if not published.met:
        raise _refusal(VacancyNotPublished, [published])
    record, _ = await services.record(
        session, principal, person_id,
        ServiceCreate(kind=ServiceKind.JOB_RECOMMENDATION, delivered_on=body.recommended_on,
                      detail=f"{vacancy.title} ({vacancy.occupation_code}, {vacancy.region_code})"),
        today,
    )
    row = JobRecommendation(
        id=uuid.uuid4(), person_id=person_id, agency_region_code=person.agency_region_code, vacancy_id=vacancy.id,
        vacancy_title=vacancy.title, occupation_code=vacancy.occupation_code, vacancy_region_code=vacancy.region_code,
        recommended_on=body.recommended_on, recommended_by=principal.sub, service_record_id=record.id,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at", "declined_justified"])
    return to_read(row)


@dataclass(frozen=True, slots=True)
class OutcomeEnv:
    """What recording an outcome needs of the running service: policy packs, calendar, today and now."""

    policy: PolicyRegistry
    calendar: WorkdayCalendar
    today: date
    now: datetime


async def record_outcome(
    session: AsyncSession, principal: Principal, recommendation_id: uuid.UUID, body: OutcomeCreate, env: OutcomeEnv
) -> RecommendationRead:
    """Records what came of a recommendation of the caller's region (JOB-OUTCOME; 403 for one of another
    region, as for a missing one). Hired requests the deregistration `hired` of the registration valid that
    day, through the outbox, and schedules the revisits of an assisted person (FU-REVISIT); a decline without
    good reason runs FU-REFUSAL over the contacts and recommendations together."""
    row = await repository.get(session, recommendation_id, principal, for_update=True)
    if row is None:
        raise forbidden()
    source = env.policy.for_region(row.agency_region_code).citation("recommendation")
    failed = check_outcome(body.result.value, body.on, row.recommended_on, row.interviewed_on, env.today,
                           body.declined_justified, source)
    if failed:
        raise _refusal(InvalidOutcome, failed)
    refused = transition_refused(row.result.value if row.result else None, body.result.value, source)
    if refused is not None:
        raise _refusal(OutcomeRecorded, [refused])
    if body.result is RecommendationResult.INTERVIEWED:
        row.interviewed_on = body.on
    row.result, row.result_on, row.declined_justified = body.result, body.on, body.declined_justified
    row.outcome_by, row.updated_at = principal.sub, env.now
    await session.flush()

    request: DeregistrationRequest | None = None
    revisits = 0
    registration = await ledger.registration_of_person(session, row.person_id, body.on)
    if registration is not None and body.result in (RecommendationResult.HIRED, RecommendationResult.DECLINED):
        await ledger.lock_registration(session, registration.registration_id)
        if body.result is RecommendationResult.HIRED:
            request = hired_deregistration(body.on, source)
        elif not body.declined_justified:
            threshold = refusal_threshold(env.policy, registration.agency_region_code, body.on)
            request = await refusal_check(
                session, registration.registration_id, threshold,
                env.policy.for_region(registration.agency_region_code).citation("deregistration"),
            )
        if request is not None and not await request_deregistration(
            session, registration.registration_id, request, principal.sub,
            {"recommendation_id": str(row.id), "vacancy_id": str(row.vacancy_id)},
        ):
            request = None  # another rule or an earlier outcome asked already
        if request is not None:
            row.deregistration_reason, row.deregistration_rule = request.reason, request.rule
    if body.result is RecommendationResult.HIRED:
        revisits = len(await schedule_revisits(session, row.person_id, body.on, env.policy, env.calendar))
    await session.flush()
    logger.info("recommendation outcome recorded", extra={
        "recommendation_id": str(row.id), "result": body.result.value, "rule": "JOB-OUTCOME",
        "deregistration": request.reason if request else None})
    return to_read(row, request, revisits)


async def list_recommendations(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: PageRequest
) -> Page[RecommendationRead]:
    """Lists a person's recommendations in the order made, one page at a time."""
    await require_person(session, principal, person_id, RECOMMEND_RULE)
    rows = await repository.page_of_person(session, person_id, page)
    return to_page(rows, page, to_read, lambda row: (row.created_at, row.id))

