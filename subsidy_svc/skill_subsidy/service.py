"""Builds the skill-subsidy preview from the policy pack, the calendar and the catalogue."""

from __future__ import annotations

from datetime import date

from shared.calendar import MAX_DATE, MIN_DATE, T_WORKDAY_RULE_ID, WorkdayCalendar
from shared.errors import Violation
from shared.explain import RuleResult
from shared.explain import RuleResultRead as RuleExplanation
from shared.labels import field_zh
from shared.policy import ParameterNotInForceError, PolicyRegistry
from shared.timerules import period_end
from shared.wording import date_zh
from subsidy_svc.calendar.service import answer_or_422
from subsidy_svc.skill_subsidy import rules
from subsidy_svc.skill_subsidy.catalogue import CatalogueHit, NotInCatalogue
from subsidy_svc.skill_subsidy.errors import InvalidSkillSubsidyRequest, PolicyNotInForce
from subsidy_svc.skill_subsidy.schemas import (
    CatalogueResult,
    LivingAllowanceResult,
    PreviewViolation,
    SkillSubsidyPreview,
    SkillSubsidyPreviewRequest,
)


def _explain(result: RuleResult) -> RuleExplanation:
    return RuleExplanation(
        rule=result.rule, met=result.met, reason=result.reason, reason_zh=result.reason_zh,
        source=result.source, field=result.field,
    )


def input_violations(body: SkillSubsidyPreviewRequest) -> list[Violation]:
    """Returns every inconsistency of a preview request (dates out of order or range, half a certificate).

    An application before its certificate exists, or received before it was made, is a wrong input
    rather than a late application, so it is refused (422) instead of previewed.
    """
    found: list[Violation] = []
    received_on = body.received_on or body.applied_on
    dates: list[tuple[str, date | None]] = [
        ("certificate_issued_on", body.certificate_issued_on),
        ("applied_on", body.applied_on),
        ("received_on", received_on),
    ]
    if body.living_allowance is not None:
        dates += [
            ("living_allowance.graduated_on", body.living_allowance.graduated_on),
            ("living_allowance.last_allowance_on", body.living_allowance.last_allowance_on),
        ]
    for field_name, value in dates:
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            found.append(Violation(
                T_WORKDAY_RULE_ID, field_name,
                f"{field_name} {value.isoformat()} is outside the calendar range "
                f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}",
                f"{field_zh(field_name)}{date_zh(value)}超出工作日历支持范围"
                f"（{date_zh(MIN_DATE)}至{date_zh(MAX_DATE)}）",
            ))
    issued, applied = body.certificate_issued_on.isoformat(), body.applied_on.isoformat()
    if body.applied_on < body.certificate_issued_on:
        found.append(Violation(
            rules.SUB_WINDOW, "applied_on",
            f"applied_on {applied} is before the certificate was issued on {issued}",
            f"申请日期 {applied} 早于证书核发日期 {issued}",
        ))
    if received_on < body.applied_on:
        found.append(Violation(
            rules.SUB_REVIEW, "received_on",
            f"received_on {received_on.isoformat()} is before the application on {applied}",
            f"受理日期 {received_on.isoformat()} 早于申请日期 {applied}",
        ))
    if (body.occupation_code is None) != (body.level is None):
        missing = "level" if body.level is None else "occupation_code"
        found.append(Violation(
            rules.SUB_AMOUNT, missing,
            "occupation_code and level go together: give both to look up the amount, or neither",
            "职业编码与等级须同时提供（查询补贴标准）或同时省略",
        ))
    allowance = body.living_allowance
    if allowance is not None and allowance.last_allowance_on is not None:
        if allowance.last_allowance_on > body.applied_on:
            found.append(Violation(
                rules.SUB_LIVING_ONCE_A_YEAR, "living_allowance.last_allowance_on",
                f"last_allowance_on {allowance.last_allowance_on.isoformat()} is after the application "
                f"on {applied}",
                f"上次领取生活费补贴日期 {allowance.last_allowance_on.isoformat()} 晚于申请日期 {applied}",
            ))
    return found


def preview(
    body: SkillSubsidyPreviewRequest,
    registry: PolicyRegistry,
    calendar: WorkdayCalendar,
    lookup: CatalogueHit | NotInCatalogue | None,
) -> SkillSubsidyPreview:
    """Returns the window, the timeline, the amount and the living allowance of an application; `lookup` is
    the catalogue's answer for the certificate's occupation and level (None when the body names none)."""
    violations = input_violations(body)
    if violations:
        raise InvalidSkillSubsidyRequest(
            "The request's dates or fields are inconsistent; see violations.",
            "请求中的日期或字段不一致，详见各项说明。", violations,
        )
    received_on = body.received_on or body.applied_on
    pack = registry.for_region(body.region_code) if body.region_code else registry.default
    try:
        # Decided under the parameters in force on the application date.
        params = pack.params(body.applied_on)
        sources = pack.sources(body.applied_on)
    except ParameterNotInForceError as exc:
        raise PolicyNotInForce(
            f"Policy pack {pack.id} has no parameters in force on {body.applied_on.isoformat()}: "
            f"{exc.message}",
            f"{pack.name_zh}政策参数在{date_zh(body.applied_on)}尚未生效",
            [Violation("POLICY-IN-FORCE", "applied_on", exc.message,
                       f"{body.applied_on.isoformat()} 无有效政策参数")],
        ) from None

    # The window alone first, so an issue date whose window ends past the calendar is named as such.
    answer_or_422(
        "certificate_issued_on",
        lambda: period_end(body.certificate_issued_on, params.skill_subsidy_window_months, calendar),
    )
    timeline = answer_or_422(
        "received_on",
        lambda: rules.skill_timeline(
            body.certificate_issued_on, body.applied_on, received_on, params, sources, calendar
        ),
    )
    results: list[RuleResult] = list(timeline.results)

    catalogue_result: CatalogueResult | None = None
    amount_fen: int | None = None
    in_catalogue = True
    if body.occupation_code is not None and body.level is not None and lookup is not None:
        results.append(rules.amount_result(lookup))
        if isinstance(lookup, CatalogueHit):
            amount_fen = lookup.amount_fen
            catalogue_result = CatalogueResult(
                occupation_code=body.occupation_code, level=body.level, found=True, amount_fen=amount_fen,
                occupation_name=lookup.occupation.name, occupation_name_zh=lookup.occupation.name_zh,
            )
        else:
            in_catalogue = False
            catalogue_result = CatalogueResult(
                occupation_code=body.occupation_code, level=body.level, found=False, amount_fen=None,
                occupation_name=None, occupation_name_zh=None,
            )

    allowance_result: LivingAllowanceResult | None = None
    if body.living_allowance is not None:
        decision = rules.living_allowance(
            body.living_allowance.groups,
            graduated_on=body.living_allowance.graduated_on,
            last_allowance_on=body.living_allowance.last_allowance_on,
            certificate_issued_on=body.certificate_issued_on,
            applied_on=body.applied_on,
            skill_subsidy_payable=timeline.within_window and in_catalogue,
            params=params,
            sources=sources,
        )
        allowance_result = LivingAllowanceResult(
            eligible=decision.eligible, amount_fen=decision.amount_fen,
            reasons=[_explain(r) for r in decision.results],
        )

    return SkillSubsidyPreview(
        apply_by=timeline.apply_by,
        within_window=timeline.within_window,
        review_due=timeline.review_due,
        notice_start=timeline.notice_start,
        notice_end=timeline.notice_end,
        payment_due=timeline.payment_due,
        estimated=timeline.estimated,
        # api.md: violations is empty or SUB-WINDOW; a certificate missing from the catalogue shows in
        # `catalogue` and `explanations` instead, so clients of the contract see no new rule IDs here.
        violations=[
            PreviewViolation(
                rule=v.rule, field=v.field, message=v.reason, message_zh=v.reason_zh, source=v.source
            )
            for v in timeline.violations
        ],
        amount_fen=amount_fen,
        catalogue=catalogue_result,
        living_allowance=allowance_result,
        explanations=[_explain(r) for r in results],
        policy_pack=pack.id,
    )
