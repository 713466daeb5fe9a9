"""Use cases of claims: file (amount, window, account, duplicate, living allowance), review, notice, objections."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared import outbox
from shared.auth import Principal, Role, forbidden
from shared.calendar import WorkdayCalendar
from shared.clients.registration import PersonIdentity, RegistrationClient
from shared.errors import Violation
from shared.events import EventType, SkillClaimRejected
from shared.explain import RuleResult
from shared.labels import label_zh
from shared.letters import DecisionLetter, appeal_by, appeal_remedy_zh, registry_agency
from shared.pagination import Page, PageRequest, to_page
from shared.policy import ParameterNotInForceError, PolicyParameters, PolicyRegistry
from shared.policy.documents import cite
from shared.wording import date_zh
from subsidy_svc.catalogue import service as catalogue
from subsidy_svc.claims import repository, rules
from subsidy_svc.claims.errors import (
    ClaimNotFound,
    ClaimRuleFailed,
    ClaimStateConflict,
    DuplicateClaim,
    InvalidClaimInput,
)
from subsidy_svc.claims.models import (
    AllowanceGroup,
    ClaimObjection,
    ClaimStatus,
    ObjectionStatus,
    ReviewDecision,
    SkillClaim,
)
from subsidy_svc.claims.schemas import (
    AllowanceDecisionRead,
    ClaimCreate,
    ClaimRead,
    ObjectionCreate,
    ObjectionDecision,
    ObjectionRead,
    ReviewCreate,
    StepRead,
)
from subsidy_svc.models import platform
from subsidy_svc.peers import Peers
from subsidy_svc.skill_subsidy import rules as skill_rules
from subsidy_svc.skill_subsidy.errors import PolicyNotInForce


def _refused(result: RuleResult, status_detail: str, status_detail_zh: str) -> ClaimRuleFailed:
    return ClaimRuleFailed(
        f"{status_detail} ({result.rule}, {result.source})", f"{status_detail_zh}（{result.rule}，{result.source}）",
        [Violation(result.rule, result.field, result.reason, result.reason_zh)],
    )


def _invalid(rule: str, field: str, message: str, message_zh: str) -> InvalidClaimInput:
    return InvalidClaimInput(message, message_zh, [Violation(rule, field, message, message_zh)])


def _params(registry: PolicyRegistry, region: str, on: date) -> tuple[PolicyParameters, dict[str, str]]:
    pack = registry.for_region(region)
    try:
        return pack.params(on), dict(pack.sources(on))
    except ParameterNotInForceError as exc:
        raise PolicyNotInForce(
            f"Policy pack {pack.id} has no parameters in force on {on.isoformat()}: {exc.message}",
            f"政策包“{pack.id}”在{date_zh(on)}没有有效的政策参数",
            [Violation("POLICY-IN-FORCE", "applied_on", exc.message, f"{date_zh(on)}无有效政策参数")],
        ) from None


def authorize_filing(principal: Principal, body: ClaimCreate) -> None:
    """Admits a citizen claiming for themselves, a caseworker of the agency's region, or a system."""
    if principal.role is Role.CITIZEN:
        if rules.own_id_number(principal.sub) != rules.own_id_number(body.applicant.id_number):
            raise forbidden()
        return
    if principal.role is Role.SYSTEM:
        return
    if principal.role is not Role.CASEWORKER or not principal.covers_region(body.agency_region_code):
        raise forbidden()


async def _allowance(
    session: AsyncSession, body: ClaimCreate, person_id: uuid.UUID, peers: Peers,
    params: PolicyParameters, sources: dict[str, str],
) -> rules.AllowanceDecision:
    """Decides the living allowance: group (difficulty asked of the eligibility service), once a year."""
    request = body.living_allowance
    if not request.requested:
        return rules.not_requested()
    groups = [] if request.group is None else [rules.GROUPS[request.group]]
    unverified: RuleResult | None = None
    if request.group is AllowanceGroup.DIFFICULTY:
        # SUB-ALLOWANCE-GROUP: membership is the eligibility service's to tell; when it cannot, the claim
        # waits (503, nothing saved) instead of being decided on a guess.
        status = await peers.eligibility.difficulty_status(person_id, body.applied_on)
        if not status.certified:
            groups, unverified = [], rules.group_unverified(request.group)
    await repository.lock_person(session, person_id)
    last = await repository.last_allowance_in_year(session, person_id, body.applied_on.year)
    decision = skill_rules.living_allowance(
        groups, graduated_on=request.graduated_on, last_allowance_on=last,
        certificate_issued_on=body.certificate.issued_on, applied_on=body.applied_on,
        skill_subsidy_payable=True, params=params, sources=sources,
    )
    results = list(decision.results)
    if unverified is not None:
        results = [unverified if r.rule == skill_rules.SUB_LIVING_GROUP else r for r in results]
    return rules.allowance_decision(results, decision.eligible)


async def file_claim(
    session: AsyncSession, principal: Principal, body: ClaimCreate, *, peers: Peers, registry: PolicyRegistry,
    calendar: WorkdayCalendar, today: date,
) -> SkillClaim:
    """Files a claim: SUB-WINDOW, SUB-CATALOGUE (in force on the issue date), SUB-ACCOUNT, SUB-DUPLICATE, then the
    person from the registry and the living-allowance decision; status `received` with its review due date."""
    authorize_filing(principal, body)
    cert = body.certificate
    if body.applied_on > today:
        raise _invalid(skill_rules.SUB_WINDOW, "applied_on", f"applied_on {body.applied_on} is in the future",
                       f"申请日期{date_zh(body.applied_on)}晚于今天")
    if cert.issued_on > body.applied_on:
        raise _invalid(skill_rules.SUB_WINDOW, "certificate.issued_on",
                       f"the certificate issued on {cert.issued_on} is after the application on {body.applied_on}",
                       f"证书核发日期{date_zh(cert.issued_on)}晚于申请日期{date_zh(body.applied_on)}")
    params, sources = _params(registry, body.agency_region_code, body.applied_on)
    timeline = skill_rules.skill_timeline(cert.issued_on, body.applied_on, body.applied_on, params, sources, calendar)
    window = next(r for r in timeline.results if r.rule == skill_rules.SUB_WINDOW)
    if not window.met:
        raise _refused(window, "The claim is outside the application window", "申请超出申请期限")
    version, entry = await catalogue.lookup(session, cert.issued_on, cert.occupation_code, cert.level)
    if version is None or entry is None:
        raise _refused(
            RuleResult(
                rules.SUB_CATALOGUE, False,
                f"occupation {cert.occupation_code} level {cert.level} is not in the catalogue in force on the "
                f"issue date {cert.issued_on}",
                f"职业“{cert.occupation_code}”等级{cert.level}不在证书核发日（{date_zh(cert.issued_on)}）有效的补贴目录内",
                rules.SOURCE_CATALOGUE, "certificate.occupation_code",
            ),
            "The certificate is not in the subsidy catalogue", "证书不在补贴目录内",
        )
    account = rules.account_holder(body.applicant.name, body.bank_account.account_name)
    if not account.met:
        raise _refused(account, "The account is not in the applicant's name", "收款账户非申请人本人账户")
    if await repository.live_claim_of_certificate(session, cert.number) is not None:
        raise _duplicate(cert.number)
    person = await peers.registration.put_person(PersonIdentity(
        id_type=body.applicant.id_type, id_number=body.applicant.id_number, name=body.applicant.name,
        phone=body.applicant.phone,
    ))
    decision = await _allowance(session, body, person.id, peers, params, sources)
    claim = SkillClaim(
        id=uuid.uuid4(), person_id=person.id, id_type=person.id_type, id_number=person.id_number,
        applicant_name=body.applicant.name, phone=body.applicant.phone,
        certificate_number=cert.number, occupation_code=cert.occupation_code, level=cert.level,
        issued_on=cert.issued_on, applied_on=body.applied_on, place_basis=body.place_basis,
        agency_region_code=body.agency_region_code, bank_name=body.bank_account.bank_name,
        account_number=body.bank_account.account_number, account_name=body.bank_account.account_name,
        catalogue_effective_from=version.effective_from, subsidy_fen=entry.amount_fen,
        living_allowance_requested=body.living_allowance.requested, living_allowance_group=body.living_allowance.group,
        living_allowance_granted=decision.granted,
        living_allowance_fen=params.living_allowance_fen if decision.granted else 0,
        living_allowance_rule=decision.rule, living_allowance_reason=decision.reason,
        living_allowance_reason_zh=decision.reason_zh, allowance_year=body.applied_on.year,
        status=ClaimStatus.RECEIVED, review_due=timeline.review_due, filed_by=principal.sub,
    )
    session.add(claim)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        # A concurrent filing of the same certificate won the unique index (SUB-DUPLICATE).
        if "uq_skill_claim_certificate_live" in str(exc.orig):
            raise _duplicate(cert.number) from None
        if "uq_skill_claim_allowance_year" in str(exc.orig):
            # Only reachable if the per-person lock was bypassed; the constraint holds SUB-ALLOWANCE-ONCE anyway.
            raise ClaimStateConflict(
                "Another living allowance of this person in this year was granted meanwhile; file again.",
                "该人员本年度的生活费补贴刚被另一申请占用，请重新提交。",
                [Violation(rules.SUB_ALLOWANCE_ONCE, "living_allowance", "once per calendar year", "每年限一次")],
            ) from None
        raise
    return claim


def _duplicate(number: str) -> DuplicateClaim:
    return DuplicateClaim(
        f"Certificate {number} already has a claim that was not rejected (SUB-DUPLICATE).",
        f"证书“{number}”已有未被驳回的申请（SUB-DUPLICATE）。",
        [Violation(rules.SUB_DUPLICATE, "certificate.number", "one claim per certificate", "每张证书只能申请一次")],
    )


async def get_claim(session: AsyncSession, principal: Principal, claim_id: uuid.UUID, *,
                    for_update: bool = False) -> SkillClaim:
    """Gets a claim in the caller's scope, or 404."""
    claim = await repository.get(session, principal, claim_id, for_update=for_update)
    if claim is None:
        raise ClaimNotFound(f"No claim {claim_id} in your scope.", f"您的权限范围内没有编号为“{claim_id}”的申请。")
    return claim


def _status_today(claim: SkillClaim, objections: Sequence[ClaimObjection], today: date) -> ClaimStatus:
    open_objection = any(o.status is not ObjectionStatus.DISMISSED for o in objections)
    if (claim.status is ClaimStatus.IN_PUBLIC_NOTICE and claim.notice_end is not None
            and claim.notice_end < today and not open_objection):
        return ClaimStatus.PAYABLE
    return claim.status


def to_read(claim: SkillClaim, objections: Sequence[ClaimObjection], today: date) -> ClaimRead:
    """Maps a claim to its view, each step with due, actual and overdue as of today (late steps stay flagged)."""
    rejected = claim.status is ClaimStatus.REJECTED
    notice_over = claim.notice_end is not None and claim.notice_end < today
    steps = {
        "review": StepRead(rule=skill_rules.SUB_REVIEW, due=claim.review_due, actual=claim.reviewed_on,
                           overdue=rules.step_overdue(claim.review_due, claim.reviewed_on, today)),
        "notice": StepRead(rule=skill_rules.SUB_NOTICE, due=claim.notice_end,
                           actual=claim.notice_end if notice_over else None, overdue=False),
        "payment": StepRead(rule=skill_rules.SUB_PAYMENT, due=claim.payment_due, actual=claim.paid_on,
                            overdue=not rejected and rules.step_overdue(claim.payment_due, claim.paid_on, today)),
    }
    return ClaimRead(
        id=claim.id, status=_status_today(claim, objections, today), subsidy_fen=claim.subsidy_fen,
        living_allowance_fen=claim.living_allowance_fen,
        living_allowance_decision=AllowanceDecisionRead(
            granted=claim.living_allowance_granted, rule=claim.living_allowance_rule,
            reason=claim.living_allowance_reason, reason_zh=claim.living_allowance_reason_zh,
        ),
        review_due=claim.review_due, person_id=claim.person_id, certificate_number=claim.certificate_number,
        occupation_code=claim.occupation_code, level=claim.level, issued_on=claim.issued_on,
        applied_on=claim.applied_on, agency_region_code=claim.agency_region_code,
        catalogue_effective_from=claim.catalogue_effective_from, reviewed_on=claim.reviewed_on,
        review_decision=claim.review_decision, review_reason=claim.review_reason,
        notice_start=claim.notice_start, notice_end=claim.notice_end, payment_due=claim.payment_due,
        paid_on=claim.paid_on, steps=steps, overdue=any(s.overdue for s in steps.values()),
        objections=[ObjectionRead.model_validate(o) for o in objections],
    )


async def read(session: AsyncSession, principal: Principal, claim_id: uuid.UUID, today: date) -> ClaimRead:
    """Returns a claim's view."""
    claim = await get_claim(session, principal, claim_id)
    return to_read(claim, await repository.objections(session, claim.id), today)


async def list_claims(
    session: AsyncSession, principal: Principal, *, region: str | None, status: ClaimStatus | None,
    overdue: bool | None, page: PageRequest, today: date,
) -> Page[ClaimRead]:
    """Lists claims in scope, by status as of today and overdue state (keyset pages)."""
    rows = await repository.page(session, principal, region=region, status=status, overdue=overdue, today=today,
                                 request=page)
    shown = rows[: page.limit]
    objections = await repository.objections_of_claims(session, [row.id for row in shown])
    return to_page(rows, page, lambda row: to_read(row, objections.get(row.id, ()), today),
                   lambda row: (row.created_at, row.id))


async def review(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, body: ReviewCreate, *,
    registry: PolicyRegistry, calendar: WorkdayCalendar, today: date,
) -> SkillClaim:
    """Records the review (SUB-REVIEW): approve puts the claim on notice the next working day for the pack's
    notice days (SUB-NOTICE) and sets payment due after it (SUB-PAYMENT); reject ends it with the reason."""
    claim = await get_claim(session, principal, claim_id, for_update=True)
    if claim.status is not ClaimStatus.RECEIVED:
        raise ClaimStateConflict(f"The claim is {claim.status.value}, not awaiting review.",
                                 f"该申请当前状态为“{label_zh(claim.status)}”，不在待审核状态。")
    if body.reviewed_on < claim.applied_on:
        raise _invalid(skill_rules.SUB_REVIEW, "reviewed_on",
                       f"reviewed_on {body.reviewed_on} is before the claim was received on {claim.applied_on}",
                       f"审核日期{date_zh(body.reviewed_on)}早于受理日期{date_zh(claim.applied_on)}")
    if body.reviewed_on > today:
        raise _invalid(skill_rules.SUB_REVIEW, "reviewed_on", f"reviewed_on {body.reviewed_on} is in the future",
                       f"审核日期{date_zh(body.reviewed_on)}晚于今天")
    if body.decision is ReviewDecision.REJECT and not body.reason:
        raise _invalid(skill_rules.SUB_REVIEW, "reason", "a rejection needs its reason", "驳回须说明理由")
    claim.reviewed_on, claim.review_decision = body.reviewed_on, body.decision
    claim.review_reason, claim.reviewed_by = body.reason or None, principal.sub
    if body.decision is ReviewDecision.REJECT:
        claim.status = ClaimStatus.REJECTED
        await _tell_rejected(session, claim, body.reason or "", body.reviewed_on)
    else:
        params, _ = _params(registry, claim.agency_region_code, claim.applied_on)
        notice_start = calendar.add_workdays(body.reviewed_on, 1).due
        notice_end = calendar.add_workdays(notice_start, params.skill_notice_workdays - 1).due
        claim.notice_start, claim.notice_end = notice_start, notice_end
        claim.payment_due = calendar.add_workdays(notice_end, params.skill_payment_workdays).due
        claim.status = ClaimStatus.IN_PUBLIC_NOTICE
    await session.flush()
    return claim


async def add_objection(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, body: ObjectionCreate, today: date
) -> ClaimObjection:
    """Records an objection received inside the notice window (SUB-NOTICE); it holds payment until decided."""
    claim = await get_claim(session, principal, claim_id, for_update=True)
    if claim.status not in (ClaimStatus.IN_PUBLIC_NOTICE, ClaimStatus.PAYABLE) or claim.notice_start is None:
        raise ClaimStateConflict(f"The claim is {claim.status.value}, not on public notice.",
                                 f"该申请当前状态为“{label_zh(claim.status)}”，未在公示中。")
    assert claim.notice_end is not None
    if body.received_on > today:
        raise _invalid(skill_rules.SUB_NOTICE, "received_on", f"received_on {body.received_on} is in the future",
                       f"异议受理日期{date_zh(body.received_on)}晚于今天")
    if not claim.notice_start <= body.received_on <= claim.notice_end:
        raise ClaimRuleFailed(
            f"Objections are received only during the notice from {claim.notice_start} to {claim.notice_end} "
            "(SUB-NOTICE).",
            f"异议仅在公示期（{date_zh(claim.notice_start)}至{date_zh(claim.notice_end)}）内受理（SUB-NOTICE）。",
            [Violation(skill_rules.SUB_NOTICE, "received_on",
                       f"received_on {body.received_on} is outside the notice {claim.notice_start}..{claim.notice_end}",
                       f"异议受理日期{date_zh(body.received_on)}不在公示期{date_zh(claim.notice_start)}至{date_zh(claim.notice_end)}内")],
        )
    if await repository.in_live_batch(session, claim.id):
        raise ClaimStateConflict("The claim is already in a payment batch.", "该申请已列入支付批次。")
    objection = ClaimObjection(
        id=uuid.uuid4(), claim_id=claim.id, received_on=body.received_on, content=body.content,
        status=ObjectionStatus.PENDING, recorded_by=principal.sub,
    )
    session.add(objection)
    claim.status = ClaimStatus.IN_PUBLIC_NOTICE
    await session.flush()
    return objection


async def decide_objection(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, objection_id: uuid.UUID,
    body: ObjectionDecision, today: date,
) -> SkillClaim:
    """Upholds an objection (the claim is rejected) or dismisses it (the claim may be paid after the notice)."""
    claim = await get_claim(session, principal, claim_id, for_update=True)
    objection = await repository.objection(session, claim.id, objection_id)
    if objection is None:
        raise ClaimNotFound(f"No objection {objection_id} on claim {claim_id}.",
                            f"编号为“{claim_id}”的申请没有编号为“{objection_id}”的异议。")
    if objection.status is not ObjectionStatus.PENDING:
        raise ClaimStateConflict("The objection is already decided.", "该异议已处理。")
    if not objection.received_on <= body.decided_on <= today:
        raise _invalid(skill_rules.SUB_NOTICE, "decided_on",
                       f"decided_on {body.decided_on} is before the objection ({objection.received_on}) "
                       "or in the future",
                       f"处理日期{date_zh(body.decided_on)}早于异议受理日期（{date_zh(objection.received_on)}）或晚于今天")
    objection.status = ObjectionStatus.UPHELD if body.upheld else ObjectionStatus.DISMISSED
    objection.decided_on, objection.decision_reason = body.decided_on, body.reason
    if body.upheld:
        claim.status = ClaimStatus.REJECTED
        claim.review_reason = f"{OBJECTION_UPHELD}{body.reason}"
        await _tell_rejected(session, claim, f"{UPHELD_ZH}{body.reason}", body.decided_on)
    await session.flush()
    return claim


OBJECTION_UPHELD = "objection upheld: "
UPHELD_ZH = "公示期内收到的异议经核查成立："


async def _tell_rejected(session: AsyncSession, claim: SkillClaim, reason_zh: str, on: date) -> None:
    """Emits skill_subsidy.claim_rejected in the claim's transaction: the registration service, which keeps the
    person's phone and address, tells them with the reason and the appeal deadline (the letter's)."""
    await outbox.emit(session, platform.outbox, EventType.SKILL_CLAIM_REJECTED, SkillClaimRejected(
        claim_id=claim.id, person_id=claim.person_id, agency_region_code=claim.agency_region_code,
        applied_on=claim.applied_on, certificate_number=claim.certificate_number, reason_zh=reason_zh,
        rejected_on=on, appeal_by=appeal_by(on),
    ))


async def rejection_letter(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, registry: PolicyRegistry,
    registration: RegistrationClient | None = None,
) -> DecisionLetter:
    """Returns the letter telling the applicant their claim is not paid (不予发放职业技能提升培训补贴告知书): the
    reason (the reviewer's, or the objection upheld during the notice), the clause of the review and the appeal
    deadline; 409 unless the claim is rejected."""
    claim = await get_claim(session, principal, claim_id)
    if claim.status is not ClaimStatus.REJECTED or claim.reviewed_on is None:
        raise ClaimStateConflict(
            f"The claim is {claim.status.value}; only a rejected claim has a rejection letter.",
            f"该申请当前状态为“{label_zh(claim.status)}”，只有不予发放的申请才有告知书。",
        )
    reason = claim.review_reason or ""
    upheld = reason.startswith(OBJECTION_UPHELD)
    objections = await repository.objections(session, claim.id) if upheld else []
    decided = [o.decided_on for o in objections if o.status is ObjectionStatus.UPHELD and o.decided_on]
    issued = max(decided) if decided else claim.reviewed_on
    reason_zh = f"{UPHELD_ZH}{reason.removeprefix(OBJECTION_UPHELD)}" if upheld else reason
    _, sources = _params(registry, claim.agency_region_code, claim.applied_on)
    basis = cite(sources.get("skill_review_workdays", "system-rule"))
    return DecisionLetter(
        title_zh="不予发放职业技能提升培训补贴告知书", addressee=claim.applicant_name,
        decision_zh=(f"您于{date_zh(claim.applied_on)}申请的职业技能提升培训补贴（证书编号“{claim.certificate_number}”），"
                     "经审核，不予发放。"),
        reason_zh=reason_zh, legal_basis=basis, remedy_zh=appeal_remedy_zh(issued),
        agency=await registry_agency(registration, claim.agency_region_code), issued_on=issued,
        title_en="Notice of refusal of the skills-upgrade training subsidy",
        summary_en=f"The claim of {claim.applied_on.isoformat()} for certificate {claim.certificate_number} is not "
        f"paid. Reason: {reason}. An administrative review may be asked for until {appeal_by(issued).isoformat()}.",
        rule=skill_rules.SUB_REVIEW,
    )
