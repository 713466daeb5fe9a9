"""Certification workflow use cases: apply, add materials, preliminary review, objections, certify or reject,
re-review, exit, status; and the mapping to the API views."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import Table

from eligibility_svc.certification import repository
from eligibility_svc.certification.errors import (
    CertificationEnded,
    DuplicateApplication,
    Ineligible,
    InvalidStep,
    NoticeRunning,
    RereviewTooLate,
    ReviewerLevel,
    StepOutOfOrder,
)
from eligibility_svc.certification.models import (
    ApplicationStatus,
    CertificationStatus,
    DecisionKind,
    DecisionStep,
    DifficultyApplication,
    DifficultyCertification,
    DifficultyDecision,
    DifficultyObjection,
    ExitReason,
)
from eligibility_svc.certification.rules import (
    SOURCE_WORKFLOW,
    RegistrationFact,
    is_overdue,
    merge_registration_facts,
    missing_materials,
    notice_over,
    notice_window,
    objection_in_window,
    preliminary_due,
    rereview_in_time,
    rereview_window,
    review_due,
)
from eligibility_svc.certification.schemas import (
    ApplicationCreate,
    ApplicationRead,
    ApplicationSummary,
    CertificateRead,
    CertificationDecision,
    CertificationRead,
    DecisionRead,
    ExitCreate,
    FactUsedRead,
    MaterialsAdd,
    MissingMaterial,
    ObjectionCreate,
    ObjectionRead,
    PreliminaryReview,
    RejectionNoticeRead,
    RereviewRequest,
    StatusRead,
    StepRead,
)
from eligibility_svc.difficulty.rules import DifficultyEvaluation, evaluate_difficulty
from eligibility_svc.difficulty.schemas import (
    DifficultyEvaluationRead,
    DifficultyFacts,
    DifficultyPerson,
    DifficultyRequest,
    EmploymentStatus,
    difficulty_input_violations,
    invalid_request,
    policy_not_in_force,
)
from eligibility_svc.difficulty.service import difficulty_case, evaluation_read
from shared import outbox
from shared.auth import Principal, Role, forbidden
from shared.calendar import WorkdayCalendar
from shared.clients.registration import PersonIdentity, RegistrationClient
from shared.clock import Clock
from shared.errors import Violation
from shared.events import (
    DifficultyApplicationSubmitted,
    DifficultyCertified,
    DifficultyDecided,
    DifficultyEnded,
    EventType,
)
from shared.identity import normalize_id_number
from shared.labels import field_zh, label_zh
from shared.pagination import Page, PageRequest, to_page
from shared.policy import ParameterNotInForceError, PolicyPack, PolicyRegistry
from shared.regions import region_prefix, unknown_region_violation
from shared.wording import date_zh

logger = logging.getLogger(__name__)

TIER_NUMBER = {"II": 2, "III": 3}


@dataclass(frozen=True)
class WorkflowEnv:
    """What the use cases need from the running service: packs, calendar, outbox and the registry client."""

    policy: PolicyRegistry
    calendar: WorkdayCalendar
    outbox: Table
    registration: RegistrationClient | None = None
    # The service's injected clock: the records' timestamps come from it, as every date does.
    clock: Clock = field(default_factory=Clock)


def _pack(env: WorkflowEnv, application: DifficultyApplication) -> PolicyPack:
    return env.policy.for_region(application.agency_region_code)


def _date_violation(field: str, message: str, message_zh: str, rule: str) -> InvalidStep:
    return InvalidStep(message, message_zh, [Violation(rule, field, message, message_zh)])


def _check_not_future(day: date, today: date, field: str, rule: str) -> None:
    if day > today:
        raise _date_violation(field, f"{field} {day.isoformat()} is after today {today.isoformat()}",
                              f"{field_zh(field)}{date_zh(day)}晚于今天（{date_zh(today)}）", rule)


def _check_not_before(day: date, earliest: date, field: str, what: str, what_zh: str, rule: str) -> None:
    if day < earliest:
        raise _date_violation(
            field, f"{field} {day.isoformat()} is before {what} {earliest.isoformat()}",
            f"{field_zh(field)}{date_zh(day)}早于{what_zh}（{date_zh(earliest)}）", rule,
        )


def _out_of_order(application: DifficultyApplication, step: str, step_zh: str, rule: str) -> StepOutOfOrder:
    status, status_zh = application.status.value, label_zh(application.status)
    return StepOutOfOrder(
        f"The application is {status}; {step} is not possible now.",
        f"该申请当前状态为“{status_zh}”，现在不能{step_zh}。",
        [Violation(rule, "status", f"application status is {status}", f"申请状态为“{status_zh}”")],
    )


# ---- apply ------------------------------------------------------------------------------------------


def _evaluate(request: DifficultyRequest, pack: PolicyPack) -> DifficultyEvaluation:
    try:
        return evaluate_difficulty(difficulty_case(request), pack)
    except ParameterNotInForceError as exc:
        raise policy_not_in_force(pack, request.as_of, "applied_on", exc) from None


def _decision_request(body: ApplicationCreate) -> DifficultyRequest:
    person = body.person
    return DifficultyRequest(
        as_of=body.applied_on,
        person=DifficultyPerson(
            id_number=person.id_number if person.id_type == "resident_id" else None,
            gender=person.gender, birth_date=person.birth_date, retirement_category=person.retirement_category,
            hukou_region_code=person.hukou_region_code, hukou_type=person.hukou_type,
        ),
        status=body.status,
        facts=body.facts,
        agency_region_code=body.agency_region_code,
    )


def _check_town(code: str) -> None:
    """The application is received by a town (street) office, the level that reviews it first (T-REGION)."""
    unknown = unknown_region_violation("agency_region_code", code)
    if len(code) != 9 or unknown is not None:
        message = f"agency_region_code {code} must be the 9-digit code of a town (street) of a known county"
        message_zh = f"{field_zh('agency_region_code')}代码{code}须为已知县（区）下乡镇（街道）的9位区划代码"
        raise InvalidStep(message, message_zh, [unknown or Violation("T-REGION", "agency_region_code", message,
                                                                     message_zh)])


async def apply(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, body: ApplicationCreate, today: date
) -> DifficultyApplication:
    """Takes an application: the registration service's facts win over declared ones, every missing
    material is listed at once (DIFF-MATERIALS), one open application per person (DIFF-DUPLICATE)."""
    if principal.role is Role.CITIZEN and normalize_id_number(body.person.id_number) != normalize_id_number(
        principal.sub
    ):
        raise forbidden()
    if principal.role is not Role.CITIZEN and not principal.covers_region(body.agency_region_code):
        raise forbidden()
    if body.as_of is not None and body.as_of != body.applied_on:
        raise _date_violation("as_of", "as_of must equal applied_on: an application is evaluated on its date",
                              "as_of 须与 applied_on 相同：申请按申请日评估", "DIFF-MATERIALS")
    _check_not_future(body.applied_on, today, "applied_on", "DIFF-MATERIALS")
    _check_town(body.agency_region_code)
    declared = _decision_request(body)
    violations = difficulty_input_violations(declared)
    if violations:
        raise invalid_request(violations)
    assert env.registration is not None
    # Both calls before anything is written: the registration service down is a 503 and no decision.
    person = await env.registration.put_person(PersonIdentity(
        id_type=body.person.id_type, id_number=body.person.id_number, name=body.person.name,
        gender=body.person.gender.value, birth_date=body.person.birth_date, phone=body.person.phone,
    ))
    registrations = await env.registration.registrations_of(person.id)
    await repository.lock_person(session, person.id)
    await _refuse_duplicate(session, person.id)
    case = difficulty_case(declared)
    merged = merge_registration_facts(case.facts, case.status, [
        RegistrationFact(str(r.registration_id), r.status, r.registered_on, r.deregistration_reason,
                         r.deregistration_effective_date)
        for r in registrations
    ])
    request = declared.model_copy(update={
        "facts": DifficultyFacts.model_validate(
            {**declared.facts.model_dump(), "latest_registration_date": merged.facts.latest_registration_date,
             "employed_since_latest_registration": merged.facts.employed_since_latest_registration}
        ),
        "status": EmploymentStatus(unemployed=merged.status.unemployed, able_to_work=merged.status.able_to_work,
                                   wants_work=merged.status.wants_work),
    })
    pack = env.policy.for_region(body.agency_region_code)
    evaluation = _evaluate(request, pack)
    missing = missing_materials(evaluation.required_materials, body.materials)
    application = DifficultyApplication(
        id=uuid.uuid4(), person_id=person.id, applicant_name=body.person.name,
        id_number=normalize_id_number(person.id_number), agency_region_code=body.agency_region_code,
        status=ApplicationStatus.MATERIALS_INCOMPLETE if missing else ApplicationStatus.SUBMITTED,
        applied_on=body.applied_on, case=request.model_dump(mode="json"),
        facts_used=[{"fact": f.fact, "declared": _json(f.declared), "registered": _json(f.registered),
                     "used": f.used, "reason": f.reason, "reason_zh": f.reason_zh} for f in merged.used],
        evaluation=evaluation_read(evaluation).model_dump(mode="json"),
        materials=sorted(set(body.materials)),
        missing_materials=[{"code": m.code, "name": m.name, "name_zh": m.name_zh, "source": m.source}
                           for m in missing],
        created_by=principal.sub, created_at=env.clock.now(), updated_at=env.clock.now(),
    )
    if not missing:
        await _complete(session, env, application, body.applied_on)
    session.add(application)
    await session.flush()
    return application


def _json(value: object) -> JsonValue:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


async def _refuse_duplicate(session: AsyncSession, person_id: uuid.UUID) -> None:
    open_application = await repository.open_application_of(session, person_id)
    if open_application is not None:
        raise DuplicateApplication(
            f"The person has an open application ({open_application.status.value}); one at a time.",
            "该人员已有办理中的认定申请，不能重复申请。",
            [Violation("DIFF-DUPLICATE", "person.id_number", f"open application {open_application.id}",
                       f"办理中的申请“{open_application.id}”（{label_zh(open_application.status)}）")],
        )
    certification = await repository.active_certification_of(session, person_id)
    if certification is not None:
        raise DuplicateApplication(
            f"The person is certified ({certification.certificate_number}) until the status ends.",
            "该人员已被认定为就业困难人员，退出认定前不能再次申请。",
            [Violation("DIFF-DUPLICATE", "person.id_number", f"active certification {certification.certificate_number}",
                       f"有效认定“{certification.certificate_number}”")],
        )


async def _complete(session: AsyncSession, env: WorkflowEnv, application: DifficultyApplication, on: date) -> None:
    """Marks the application complete on `on`: the preliminary review is due from then (DIFF-PRELIMINARY)."""
    pack = _pack(env, application)
    due = preliminary_due(on, pack, env.calendar)
    application.status = ApplicationStatus.SUBMITTED
    application.complete_on = on
    application.preliminary_workdays = due.workdays
    application.preliminary_source = due.source
    application.preliminary_due = due.due_on
    application.preliminary_due_estimated = due.estimated
    # Tier I lasts until the certification is due: the notice after the review's due date, then DIFF-REVIEW.
    window = notice_window(due.due_on, pack, env.calendar)
    certification_due = review_due(window.end, pack, env.calendar)
    await outbox.emit(session, env.outbox, EventType.DIFFICULTY_APPLICATION_SUBMITTED, DifficultyApplicationSubmitted(
        application_id=application.id, person_id=application.person_id,
        agency_region_code=application.agency_region_code, submitted_on=on,
        certification_due=certification_due.due_on,
    ))


async def add_materials(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, application_id: uuid.UUID, body: MaterialsAdd,
    today: date,
) -> DifficultyApplication:
    """Records materials provided later; the application is complete once none is missing (DIFF-MATERIALS)."""
    application = await get_application(session, principal, application_id, for_update=True)
    if application.status is not ApplicationStatus.MATERIALS_INCOMPLETE:
        raise _out_of_order(application, "adding materials", "补充材料", "DIFF-MATERIALS")
    received_on = body.received_on or today
    _check_not_future(received_on, today, "received_on", "DIFF-MATERIALS")
    _check_not_before(received_on, application.applied_on, "received_on", "the application", "申请日", "DIFF-MATERIALS")
    provided = set(application.materials) | set(body.materials)
    application.materials = sorted(provided)
    application.missing_materials = [m for m in application.missing_materials if m["code"] not in provided]
    if not application.missing_materials:
        await _complete(session, env, application, received_on)
    application.updated_at = env.clock.now()
    await session.flush()
    return application


# ---- preliminary review, notice, objections ---------------------------------------------------------


def _stored_evaluation(application: DifficultyApplication) -> dict[str, JsonValue]:
    return dict(application.evaluation)


async def preliminary_review(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, application_id: uuid.UUID,
    body: PreliminaryReview, today: date,
) -> DifficultyApplication:
    """The town's preliminary review: pass starts the public notice (DIFF-NOTICE), reject issues the
    rejection notice (DIFF-REJECTION)."""
    application = await get_application(session, principal, application_id, for_update=True)
    if application.status is not ApplicationStatus.SUBMITTED:
        raise _out_of_order(application, "the preliminary review", "初审", "DIFF-PRELIMINARY")
    assert application.complete_on is not None
    _check_not_future(body.reviewed_on, today, "reviewed_on", "DIFF-PRELIMINARY")
    _check_not_before(body.reviewed_on, application.complete_on, "reviewed_on", "the complete application",
                      "申请材料齐全之日", "DIFF-PRELIMINARY")
    pack = _pack(env, application)
    application.preliminary_reviewed_on = body.reviewed_on
    application.preliminary_finding = body.reason
    session.add(DifficultyDecision(
        id=uuid.uuid4(), application_id=application.id, step=DecisionStep.PRELIMINARY,
        decision=DecisionKind.PASS if body.decision == "pass" else DecisionKind.REJECT,
        decided_on=body.reviewed_on, reason=body.reason, policy_pack=pack.id,
        evaluation=_stored_evaluation(application), decided_by=principal.sub, created_at=env.clock.now(),
    ))
    if body.decision == "pass":
        window = notice_window(body.reviewed_on, pack, env.calendar)
        due = review_due(window.end, pack, env.calendar)
        application.status = ApplicationStatus.IN_PUBLIC_NOTICE
        application.notice_start, application.notice_end = window.start, window.end
        application.notice_source, application.notice_estimated = window.source, window.estimated
        application.review_from, application.review_workdays, application.review_source = (
            due.start, due.workdays, due.source)
        application.review_due, application.review_due_estimated = due.due_on, due.estimated
    else:
        await _reject(session, env, application, body.reviewed_on, body.reason, None)
    application.updated_at = env.clock.now()
    await session.flush()
    return application


async def _reject(
    session: AsyncSession, env: WorkflowEnv, application: DifficultyApplication, on: date, reason: str,
    reason_zh: str | None,
) -> None:
    window = rereview_window(on, _pack(env, application), env.calendar)
    application.status = ApplicationStatus.REJECTED
    application.decided_on = on
    application.rejection_reason = reason if reason_zh is None else f"{reason}\n{reason_zh}"
    application.rejection_issued_on = on
    application.rereview_by = window.by
    await outbox.emit(session, env.outbox, EventType.DIFFICULTY_DECIDED, DifficultyDecided(
        application_id=application.id, person_id=application.person_id,
        agency_region_code=application.agency_region_code, certified=False, decided_on=on,
        reason_zh=reason_zh or reason, rereview_by=window.by,
    ))


async def add_objection(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, body: ObjectionCreate, today: date,
    now: datetime,
) -> DifficultyObjection:
    """Receives an objection inside the notice window only (DIFF-NOTICE); anyone may object."""
    application = await repository.get_application_for_objection(session, application_id)
    if application is None:
        raise forbidden()
    _check_not_future(body.received_on, today, "received_on", "DIFF-NOTICE")
    if application.status is not ApplicationStatus.IN_PUBLIC_NOTICE:
        raise NoticeRunning(
            f"The application is {application.status.value}, not in public notice; no objection is received.",
            f"该申请当前状态为“{label_zh(application.status)}”，不在公示期，不受理异议。",
            [Violation("DIFF-NOTICE", "status", f"status {application.status.value}",
                       f"申请状态为“{label_zh(application.status)}”")],
        )
    assert application.notice_start is not None and application.notice_end is not None
    result = objection_in_window(body.received_on, application.notice_start, application.notice_end,
                                 application.notice_source or SOURCE_WORKFLOW)
    if not result.met:
        raise NoticeRunning(
            f"Objections are received only during the notice: {result.reason}.",
            f"异议仅在公示期内受理：{result.reason_zh}。",
            [Violation(result.rule, result.field, result.reason, result.reason_zh)],
        )
    objection = DifficultyObjection(
        id=uuid.uuid4(), application_id=application.id, received_on=body.received_on, content=body.content,
        recorded_by=principal.sub, created_at=now,
    )
    session.add(objection)
    await session.flush()
    return objection


# ---- certification ----------------------------------------------------------------------------------


def _check_reviewer_level(principal: Principal) -> None:
    if principal.role is not Role.SYSTEM and len(region_prefix(principal.region)) > 6:
        raise ReviewerLevel(
            "Only a reviewer of the county (district) or above certifies; a town reviews preliminarily.",
            "仅县（区）级及以上审核人员可作出认定，乡镇（街道）负责初审。",
            [Violation("DIFF-REVIEW", None, f"reviewer region {principal.region} is a town",
                       f"审核人员区划 {principal.region} 为乡镇（街道）级")],
        )


def _evaluation_failures(evaluation: DifficultyEvaluation) -> list[Violation]:
    found = [Violation(r.rule, r.field, r.reason, r.reason_zh) for r in evaluation.base_rules if not r.met]
    if not evaluation.categories_met:
        found.append(Violation("DIFF-REVIEW", "categories", "meets none of the 12 categories",
                               "不符合12类就业困难人员中的任何一类"))
    return found


async def decide(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, application_id: uuid.UUID,
    body: CertificationDecision, today: date,
) -> DifficultyApplication:
    """The district certifies or rejects after the notice (DIFF-NOTICE), never an ineligible person
    (DIFF-REVIEW); the decision keeps the rule results it was made on."""
    _check_reviewer_level(principal)
    application = await get_application(session, principal, application_id, for_update=True)
    if application.status not in (ApplicationStatus.IN_PUBLIC_NOTICE, ApplicationStatus.UNDER_RE_REVIEW):
        raise _out_of_order(application, "the certification decision", "作出认定决定", "DIFF-REVIEW")
    _check_not_future(body.decided_on, today, "decided_on", "DIFF-REVIEW")
    if application.status is ApplicationStatus.IN_PUBLIC_NOTICE:
        assert application.notice_end is not None
        over = notice_over(body.decided_on, application.notice_end, application.notice_source or SOURCE_WORKFLOW)
        if not over.met:
            raise NoticeRunning(
                f"The public notice is still running: {over.reason}.", f"公示期尚未结束：{over.reason_zh}。",
                [Violation(over.rule, over.field, over.reason, over.reason_zh)],
            )
        objections = await repository.objections_of(session, application.id)
        if objections and not body.objection_finding:
            raise InvalidStep(
                f"{len(objections)} objection(s) were received; the decision needs a finding on them.",
                f"公示期收到 {len(objections)} 条异议，须对异议作出核查结论后再认定。",
                [Violation("DIFF-NOTICE", "objection_finding", "objection_finding is required",
                           "须填写异议核查结论")],
            )
    elif application.rereview_requested_on is not None:
        _check_not_before(body.decided_on, application.rereview_requested_on, "decided_on",
                          "the re-review request", "复核申请日", "DIFF-REVIEW")
    if body.decision == "certify" and body.tier is None:
        raise InvalidStep("A certification names the tier: II, or III for those hardest to place.",
                          "认定须注明帮扶级别：二级，或就业最困难人员三级。",
                          [Violation("DIFF-REVIEW", "tier", "tier is required", "须填写帮扶级别")])
    pack = _pack(env, application)
    request = DifficultyRequest.model_validate(application.case)
    evaluation = _evaluate(request, pack)
    session.add(DifficultyDecision(
        id=uuid.uuid4(), application_id=application.id, step=DecisionStep.CERTIFICATION,
        decision=DecisionKind.CERTIFY if body.decision == "certify" else DecisionKind.REJECT,
        decided_on=body.decided_on, reason=body.reason, objection_finding=body.objection_finding,
        tier=body.tier, policy_pack=pack.id, evaluation=evaluation_read(evaluation).model_dump(mode="json"),
        decided_by=principal.sub, created_at=env.clock.now(),
    ))
    if body.decision == "reject":
        await _reject(session, env, application, body.decided_on, body.reason, body.reason_zh)
    else:
        failing = _evaluation_failures(evaluation)
        if failing or not evaluation.eligible:
            raise Ineligible(
                "The person fails a base rule or meets no category and cannot be certified (DIFF-REVIEW).",
                "申请人不符合基本条件或不属于任何一类就业困难人员，不能认定。",
                [Violation("DIFF-REVIEW", None, "not eligible on the rules below", "不符合以下规则"), *failing],
            )
        assert body.tier is not None
        await _certify(session, env, application, evaluation, body.decided_on, body.tier)
    application.updated_at = env.clock.now()
    await session.flush()
    return application


def certificate_number(agency_region_code: str, certified_on: date, certification_id: uuid.UUID) -> str:
    """Returns a certificate number: JK, the county, the year and a unique suffix."""
    return f"JK{agency_region_code[:6]}{certified_on:%Y}{certification_id.hex[:10].upper()}"


async def _certify(
    session: AsyncSession, env: WorkflowEnv, application: DifficultyApplication, evaluation: DifficultyEvaluation,
    on: date, tier: str,
) -> None:
    certification_id = uuid.uuid4()
    categories = [c.value for c in evaluation.categories_met]
    number = certificate_number(application.agency_region_code, on, certification_id)
    session.add(DifficultyCertification(
        id=certification_id, certificate_number=number,
        application_id=application.id, person_id=application.person_id,
        agency_region_code=application.agency_region_code, categories=categories, tier=tier, certified_on=on,
        retirement_date=evaluation.retirement_date, case=application.case, status=CertificationStatus.ACTIVE,
        created_at=env.clock.now(),
    ))
    application.status = ApplicationStatus.CERTIFIED
    application.decided_on = on
    await outbox.emit(session, env.outbox, EventType.DIFFICULTY_DECIDED, DifficultyDecided(
        application_id=application.id, person_id=application.person_id,
        agency_region_code=application.agency_region_code, certified=True, decided_on=on, certificate_number=number,
    ))
    await outbox.emit(session, env.outbox, EventType.DIFFICULTY_CERTIFIED, DifficultyCertified(
        certification_id=certification_id, application_id=application.id, person_id=application.person_id,
        agency_region_code=application.agency_region_code, tier=TIER_NUMBER[tier], categories=categories,
        certified_on=on,
    ))


async def request_rereview(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, application_id: uuid.UUID,
    body: RereviewRequest, today: date,
) -> DifficultyApplication:
    """A rejected applicant asks for re-review within the window (DIFF-REREVIEW-WINDOW); the district decides."""
    application = await get_application(session, principal, application_id, for_update=True)
    if application.status is not ApplicationStatus.REJECTED:
        raise _out_of_order(application, "a re-review request", "申请复核", "DIFF-REREVIEW-WINDOW")
    assert application.rereview_by is not None and application.rejection_issued_on is not None
    _check_not_future(body.requested_on, today, "requested_on", "DIFF-REREVIEW-WINDOW")
    _check_not_before(body.requested_on, application.rejection_issued_on, "requested_on", "the rejection notice",
                      "告知书送达日", "DIFF-REREVIEW-WINDOW")
    pack = _pack(env, application)
    result = rereview_in_time(body.requested_on, application.rereview_by,
                              pack.param("difficulty_rereview_days", application.rejection_issued_on).source)
    if not result.met:
        raise RereviewTooLate(
            f"The re-review window has closed: {result.reason}.", f"复核申请期限已过：{result.reason_zh}。",
            [Violation(result.rule, result.field, result.reason, result.reason_zh)],
        )
    due = review_due(body.requested_on, pack, env.calendar)
    application.status = ApplicationStatus.UNDER_RE_REVIEW
    application.rereview_requested_on = body.requested_on
    application.rereview_grounds = body.grounds
    application.review_from, application.review_workdays, application.review_source = (
        due.start, due.workdays, due.source)
    application.review_due, application.review_due_estimated = due.due_on, due.estimated
    application.updated_at = env.clock.now()
    await session.flush()
    return application


# ---- exit and status --------------------------------------------------------------------------------


async def end_certification(
    session: AsyncSession, env: WorkflowEnv, certification: DifficultyCertification, reason: ExitReason,
    on: date, note: str, by: str,
) -> None:
    """Ends a certification with its reason (DIFF-EXIT) and tells the follow-up service."""
    certification.status = CertificationStatus.ENDED
    certification.ended_on = on
    certification.exit_reason = reason
    certification.exit_note = note or None
    certification.ended_by = by
    await session.flush()
    await outbox.emit(session, env.outbox, EventType.DIFFICULTY_ENDED, DifficultyEnded(
        certification_id=certification.id, person_id=certification.person_id,
        agency_region_code=certification.agency_region_code, reason=reason.value, ended_on=on,
    ))


async def exit_certification(
    session: AsyncSession, env: WorkflowEnv, principal: Principal, certification_id: uuid.UUID, body: ExitCreate,
    today: date,
) -> DifficultyCertification:
    """Ends a certification by hand with its reason (DIFF-EXIT)."""
    certification = await repository.get_certification(session, principal, certification_id)
    if certification is None:
        raise forbidden()
    if certification.status is CertificationStatus.ENDED:
        raise CertificationEnded(
            f"The certification ended on {certification.ended_on}.",
            f"该认定已于{date_zh(certification.ended_on)}退出。" if certification.ended_on else "该认定已退出。",
            [Violation("DIFF-EXIT", "status", "already ended", "已退出")],
        )
    _check_not_before(body.effective_date, certification.certified_on, "effective_date", "the certification",
                      "认定日", "DIFF-EXIT")
    await end_certification(session, env, certification, body.reason, body.effective_date, body.note, principal.sub)
    await session.flush()
    return certification


async def status_on(session: AsyncSession, person_id: uuid.UUID, on: date) -> StatusRead:
    """Tells whether a person was certified on a date, with the certificate."""
    certification = await repository.certification_on(session, person_id, on)
    if certification is None:
        return StatusRead(person_id=person_id, on=on, certified=False, certificate_number=None, categories=[],
                          tier=None, certified_on=None, ended_on=None)
    return StatusRead(
        person_id=person_id, on=on, certified=True, certificate_number=certification.certificate_number,
        categories=list(certification.categories), tier=certification.tier,
        certified_on=certification.certified_on, ended_on=certification.ended_on,
    )


# ---- reading ----------------------------------------------------------------------------------------


async def get_application(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, *, for_update: bool = False
) -> DifficultyApplication:
    """Gets an application in the caller's scope; missing and out of scope give the same 403."""
    application = await repository.get_application(session, principal, application_id, for_update=for_update)
    if application is None:
        raise forbidden()
    return application


def _steps(application: DifficultyApplication, today: date) -> list[StepRead]:
    a = application
    in_review = a.status in (ApplicationStatus.IN_PUBLIC_NOTICE, ApplicationStatus.UNDER_RE_REVIEW)
    steps = [
        StepRead(step="preliminary_review", rule="DIFF-PRELIMINARY", due=a.preliminary_due,
                 actual=a.preliminary_reviewed_on,
                 overdue=a.status is ApplicationStatus.SUBMITTED and is_overdue(a.preliminary_due, None, today),
                 estimated=a.preliminary_due_estimated, source=a.preliminary_source),
        StepRead(step="public_notice", rule="DIFF-NOTICE", due=a.notice_end,
                 actual=a.notice_end if a.notice_end is not None and today > a.notice_end else None,
                 overdue=False, estimated=a.notice_estimated, source=a.notice_source),
        StepRead(step="certification", rule="DIFF-REVIEW", due=a.review_due, actual=a.decided_on,
                 overdue=in_review and is_overdue(a.review_due, None, today),
                 estimated=a.review_due_estimated, source=a.review_source),
    ]
    if a.rereview_by is not None:
        steps.append(StepRead(step="re_review_request", rule="DIFF-REREVIEW-WINDOW", due=a.rereview_by,
                              actual=a.rereview_requested_on, overdue=False, estimated=False, source=None))
    return steps


def rejection_notice(application: DifficultyApplication) -> RejectionNoticeRead | None:
    """Returns the rejection notice of a rejected application (DIFF-REJECTION), or None."""
    if application.rejection_issued_on is None or application.rereview_by is None:
        return None
    reason = application.rejection_reason or ""
    english, _, chinese = reason.partition("\n")
    return RejectionNoticeRead(
        application_id=application.id, applicant_name=application.applicant_name,
        agency_region_code=application.agency_region_code, issued_on=application.rejection_issued_on,
        reason=english, reason_zh=chinese or english, rereview_by=application.rereview_by,
        source="shaoguan-plan 六(四); DIFF-REJECTION",
    )


async def to_read(session: AsyncSession, application: DifficultyApplication, today: date) -> ApplicationRead:
    """Returns the full API view of an application."""
    objections = await repository.objections_of(session, application.id)
    decisions = await repository.decisions_of(session, application.id)
    certification = await repository.certification_of_application(session, application.id)
    return ApplicationRead(
        id=application.id, person_id=application.person_id, applicant_name=application.applicant_name,
        agency_region_code=application.agency_region_code, status=application.status,
        applied_on=application.applied_on, materials=list(application.materials),
        missing_materials=[MissingMaterial.model_validate(m) for m in application.missing_materials],
        evaluation=DifficultyEvaluationRead.model_validate(application.evaluation),
        facts_used=[FactUsedRead.model_validate(f) for f in application.facts_used],
        preliminary_review_due=application.preliminary_due, notice_start=application.notice_start,
        notice_end=application.notice_end, review_due=application.review_due,
        steps=_steps(application, today),
        objections=[ObjectionRead(id=o.id, received_on=o.received_on, content=o.content, recorded_by=o.recorded_by)
                    for o in objections],
        decisions=[DecisionRead(
            step=d.step, decision=d.decision, decided_on=d.decided_on, reason=d.reason,
            objection_finding=d.objection_finding, tier=d.tier, policy_pack=d.policy_pack,
            evaluation=DifficultyEvaluationRead.model_validate(d.evaluation), decided_by=d.decided_by,
        ) for d in decisions],
        certificate=None if certification is None else CertificateRead(
            id=certification.id, number=certification.certificate_number, certified_on=certification.certified_on,
            categories=list(certification.categories), tier=certification.tier, status=certification.status,
            ended_on=certification.ended_on, exit_reason=certification.exit_reason,
        ),
        rejection_notice=rejection_notice(application),
        created_at=application.created_at,
    )


def to_summary(application: DifficultyApplication, today: date) -> ApplicationSummary:
    """Returns the list view of an application."""
    return ApplicationSummary(
        id=application.id, person_id=application.person_id, applicant_name=application.applicant_name,
        agency_region_code=application.agency_region_code, status=application.status,
        applied_on=application.applied_on, preliminary_review_due=application.preliminary_due,
        notice_end=application.notice_end, review_due=application.review_due,
        overdue=any(step.overdue for step in _steps(application, today)), created_at=application.created_at,
    )


async def list_applications(
    session: AsyncSession, principal: Principal, *, region: str | None, status: ApplicationStatus | None,
    page: PageRequest, today: date,
) -> Page[ApplicationSummary]:
    """Lists the applications in the caller's region, oldest first."""
    rows = await repository.list_applications(
        session, principal, region=region, status=status.value if status else None, page=page
    )
    return to_page(rows, page, lambda a: to_summary(a, today), lambda a: (a.created_at, a.id))


def certification_read(c: DifficultyCertification) -> CertificationRead:
    """Returns the API view of a certification."""
    return CertificationRead(
        id=c.id, certificate_number=c.certificate_number, application_id=c.application_id, person_id=c.person_id,
        agency_region_code=c.agency_region_code, categories=list(c.categories), tier=c.tier,
        certified_on=c.certified_on, retirement_date=c.retirement_date, status=c.status, ended_on=c.ended_on,
        exit_reason=c.exit_reason, exit_note=c.exit_note, created_at=c.created_at,
    )


async def list_certifications(
    session: AsyncSession, principal: Principal, *, region: str | None, status: CertificationStatus | None,
    page: PageRequest,
) -> Page[CertificationRead]:
    """Lists the certifications in the caller's region, oldest first."""
    rows = await repository.list_certifications(
        session, principal, region=region, status=status.value if status else None, page=page
    )
    return to_page(rows, page, certification_read, lambda c: (c.created_at, c.id))
