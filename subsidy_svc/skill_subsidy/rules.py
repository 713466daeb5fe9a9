"""Skills-upgrade training subsidy rules (001 §三): application window, timeline, living allowance."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from shared.calendar import T_WORKDAY_RULE_ID, Due, WorkdayCalendar
from shared.explain import RuleResult, failures
from shared.policy import PolicyParameters
from shared.policy.documents import cite
from shared.timerules import T_PERIOD_RULE_ID, add_months, period_end
from shared.wording import yuan, yuan_en
from subsidy_svc.skill_subsidy.catalogue import (
    LEVEL_NAMES_ZH,
    SUB_AMOUNT_RULE_ID,
    CatalogueHit,
    NotInCatalogue,
)

SUB_WINDOW: Final = "SUB-WINDOW"
SUB_REVIEW: Final = "SUB-REVIEW"
SUB_NOTICE: Final = "SUB-NOTICE"
SUB_PAYMENT: Final = "SUB-PAYMENT"
SUB_AMOUNT: Final = SUB_AMOUNT_RULE_ID
SUB_LIVING_GROUP: Final = "SUB-LIVING-GROUP"
SUB_LIVING_GRADUATION: Final = "SUB-LIVING-GRADUATION"
SUB_LIVING_ONCE_A_YEAR: Final = "SUB-LIVING-ONCE-A-YEAR"
SUB_LIVING_WITH_SUBSIDY: Final = "SUB-LIVING-WITH-SUBSIDY"

SOURCE_LIVING: Final = cite("shaoguan-plan 三(一)")
# "毕业2年内": the policy packs have no parameter for it yet (see the report to the lead), so the
# figure lives here, once, with its clause.
POST_SCHOOL_YOUTH_MONTHS: Final = 24
SOURCE_GRADUATION: Final = cite("shaoguan-plan 三(一) 毕业2年内“两后生”; T-PERIOD (no shift: a status, not a deadline)")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _with_time_rule(source: str, rule: str) -> str:
    return f"{source}; {rule}"


def _estimated_note(estimated: bool) -> tuple[str, str]:
    if not estimated:
        return "", ""
    return (
        " (estimated: a year on the way has no published holiday arrangement)",
        "（估算：途经年份尚无公布的节假日安排）",
    )


# --- application window and timeline ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkillTimeline:
    """The application window and every step's due date of one skill-subsidy application."""

    apply_by: date
    within_window: bool
    review_due: date
    notice_start: date
    notice_end: date
    payment_due: date
    estimated: bool
    results: tuple[RuleResult, ...]

    @property
    def violations(self) -> list[RuleResult]:
        """Returns the rules not met (SUB-WINDOW when applied outside the window)."""
        return failures(self.results)


def application_window(
    certificate_issued_on: date,
    applied_on: date,
    params: PolicyParameters,
    sources: Mapping[str, str],
    calendar: WorkdayCalendar,
) -> tuple[Due, RuleResult]:
    """Returns the last day to apply and whether applied_on is inside the window (SUB-WINDOW, T-PERIOD).

    The window runs from the issue date to the day `skill_subsidy_window_months` later (the
    corresponding day, or that month's last day), moved to the next working day if that is a rest day.
    """
    months = params.skill_subsidy_window_months
    apply_by = period_end(certificate_issued_on, months, calendar, shift=True)
    issued, applied = certificate_issued_on.isoformat(), applied_on.isoformat()
    last = apply_by.due.isoformat()
    note, note_zh = _estimated_note(apply_by.estimated)
    source = _with_time_rule(sources["skill_subsidy_window_months"], T_PERIOD_RULE_ID)
    if applied_on < certificate_issued_on:
        result = RuleResult(
            SUB_WINDOW, False,
            f"applied on {applied}, before the certificate was issued on {issued}",
            f"申请日期 {applied} 早于证书核发日期 {issued}",
            source, "applied_on",
        )
    elif applied_on <= apply_by.due:
        result = RuleResult(
            SUB_WINDOW, True,
            f"applied on {applied}, within {months} months of the certificate issued on {issued} "
            f"(last day {last}){note}",
            f"申请日期 {applied} 在证书核发日期 {issued} 起 {months} 个月内（截止日 {last}）{note_zh}",
            source, "applied_on",
        )
    else:
        result = RuleResult(
            SUB_WINDOW, False,
            f"applied on {applied}, after the last day {last} of the {months}-month window from the "
            f"certificate issued on {issued}{note}",
            f"申请日期 {applied} 晚于证书核发日期 {issued} 起 {months} 个月的申请截止日 {last}{note_zh}",
            source, "applied_on",
        )
    return apply_by, result


def skill_timeline(
    certificate_issued_on: date,
    applied_on: date,
    received_on: date,
    params: PolicyParameters,
    sources: Mapping[str, str],
    calendar: WorkdayCalendar,
) -> SkillTimeline:
    """Returns the window and the review, public-notice and payment due dates (001 §三(二), T-WORKDAY).

    review_due is the `skill_review_workdays`-th working day after receipt; the notice starts on the
    next working day and lasts `skill_notice_workdays` working days counting its first day; payment is
    due `skill_payment_workdays` working days after the notice ends.
    """
    apply_by, window = application_window(certificate_issued_on, applied_on, params, sources, calendar)
    review_days = params.skill_review_workdays
    notice_days = params.skill_notice_workdays
    payment_days = params.skill_payment_workdays
    review = calendar.add_workdays(received_on, review_days)
    notice_start = calendar.add_workdays(review.due, 1)
    notice_end = calendar.add_workdays(notice_start.due, notice_days - 1)
    payment = calendar.add_workdays(notice_end.due, payment_days)

    def step(rule: str, param: str, due: Due, reason: str, reason_zh: str) -> RuleResult:
        note, note_zh = _estimated_note(due.estimated)
        return RuleResult(
            rule, True, reason + note, reason_zh + note_zh,
            _with_time_rule(sources[param], T_WORKDAY_RULE_ID),
        )

    received = received_on.isoformat()
    results = (
        window,
        step(
            SUB_REVIEW, "skill_review_workdays", review,
            f"review opinion due {review.due.isoformat()}: the {_ordinal(review_days)} working day after receipt "
            f"on {received}",
            f"审核意见应于 {review.due.isoformat()} 前提出："
            f"收到申请（{received}）后第 {review_days} 个工作日",
        ),
        step(
            SUB_NOTICE, "skill_notice_workdays", notice_end,
            f"public notice of {notice_days} working days from {notice_start.due.isoformat()} (the working "
            f"day after the review) to {notice_end.due.isoformat()}",
            f"公示 {notice_days} 个工作日：自审核后的下一个工作日 {notice_start.due.isoformat()} 起至 "
            f"{notice_end.due.isoformat()}",
        ),
        step(
            SUB_PAYMENT, "skill_payment_workdays", payment,
            f"payment due {payment.due.isoformat()}: the {_ordinal(payment_days)} working day after the notice "
            f"ends on {notice_end.due.isoformat()}",
            f"补贴资金应于 {payment.due.isoformat()} 前支付：公示结束（{notice_end.due.isoformat()}）后第 "
            f"{payment_days} 个工作日",
        ),
    )
    return SkillTimeline(
        apply_by=apply_by.due,
        within_window=window.met,
        review_due=review.due,
        notice_start=notice_start.due,
        notice_end=notice_end.due,
        payment_due=payment.due,
        estimated=any(d.estimated for d in (apply_by, review, notice_start, notice_end, payment)),
        results=results,
    )


# --- amount ---------------------------------------------------------------------------------------


def amount_result(lookup: CatalogueHit | NotInCatalogue) -> RuleResult:
    """Returns the explanation of a catalogue lookup (SUB-AMOUNT)."""
    if isinstance(lookup, NotInCatalogue):
        return RuleResult(
            SUB_AMOUNT, False, lookup.reason, lookup.reason_zh, lookup.source, "occupation_code"
        )
    occupation = lookup.occupation
    return RuleResult(
        SUB_AMOUNT, True,
        f"{occupation.name} ({occupation.code}) level {lookup.level} is in the catalogue: "
        f"{yuan_en(lookup.amount_fen)}",
        f"{occupation.name_zh}（{occupation.code}）{LEVEL_NAMES_ZH[lookup.level]}在补贴目录内：{yuan(lookup.amount_fen)}",
        lookup.source, "level",
    )


# --- living allowance -----------------------------------------------------------------------------


class LivingAllowanceGroup(StrEnum):
    """The groups that get the one-off living allowance with the skill subsidy (001 §三(一))."""

    LIFTED_OUT_OF_POVERTY = "lifted_out_of_poverty"  # 脱贫人口
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"  # 就业困难人员
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family"  # 零就业家庭成员
    DISABLED = "disabled"  # 残疾人
    POST_SCHOOL_YOUTH_RURAL = "post_school_youth_rural"  # 毕业2年内“两后生”中的农村学员
    POST_SCHOOL_YOUTH_LOW_INCOME = "post_school_youth_low_income"  # 毕业2年内“两后生”中的城乡低保家庭学员


POST_SCHOOL_YOUTH_GROUPS: Final = frozenset(
    {LivingAllowanceGroup.POST_SCHOOL_YOUTH_RURAL, LivingAllowanceGroup.POST_SCHOOL_YOUTH_LOW_INCOME}
)
GROUP_NAMES_ZH: Final = {
    LivingAllowanceGroup.LIFTED_OUT_OF_POVERTY: "脱贫人口",
    LivingAllowanceGroup.EMPLOYMENT_DIFFICULTY: "就业困难人员",
    LivingAllowanceGroup.ZERO_EMPLOYMENT_FAMILY: "零就业家庭成员",
    LivingAllowanceGroup.DISABLED: "残疾人",
    LivingAllowanceGroup.POST_SCHOOL_YOUTH_RURAL: "毕业2年内“两后生”中的农村学员",
    LivingAllowanceGroup.POST_SCHOOL_YOUTH_LOW_INCOME: "毕业2年内“两后生”中的城乡低保家庭学员",
}


@dataclass(frozen=True, slots=True)
class LivingAllowanceDecision:
    """Whether the one-off living allowance is due, how much, and the rules behind it."""

    eligible: bool
    amount_fen: int
    results: tuple[RuleResult, ...]


def graduation_result(graduated_on: date | None, certificate_issued_on: date) -> RuleResult:
    """Returns whether a post-school youth was within 2 years of graduation (SUB-LIVING-GRADUATION).

    The certificate's issue date is the day compared: the allowance goes with the certificate, and
    that is when the training or self-study ended. Graduating after it means the person was still
    at school then, so not yet a post-school youth. The 2 years end on the corresponding day
    (T-PERIOD, no shift: this is a status, not an act with a deadline).
    """
    issued = certificate_issued_on.isoformat()
    if graduated_on is None:
        return RuleResult(
            SUB_LIVING_GRADUATION, False,
            "no graduation date given for a post-school youth (两后生) group",
            "申请人属“两后生”，但未提供毕业日期", SOURCE_GRADUATION, "living_allowance.graduated_on",
        )
    graduated = graduated_on.isoformat()
    last = add_months(graduated_on, POST_SCHOOL_YOUTH_MONTHS)
    if certificate_issued_on < graduated_on:
        return RuleResult(
            SUB_LIVING_GRADUATION, False,
            f"the certificate was issued on {issued}, before graduation on {graduated}",
            f"证书核发日期 {issued} 早于毕业日期 {graduated}，当时尚未毕业",
            SOURCE_GRADUATION, "living_allowance.graduated_on",
        )
    met = certificate_issued_on <= last
    return RuleResult(
        SUB_LIVING_GRADUATION, met,
        f"the certificate was issued on {issued}, {'within' if met else 'more than'} 2 years of graduation "
        f"on {graduated} (last day {last.isoformat()})",
        f"证书核发日期 {issued} {'在' if met else '超出'}毕业日期 {graduated} 起 2 年内"
        f"（截止日 {last.isoformat()}）",
        SOURCE_GRADUATION, "living_allowance.graduated_on",
    )


def living_allowance(
    groups: Collection[LivingAllowanceGroup],
    *,
    graduated_on: date | None,
    last_allowance_on: date | None,
    certificate_issued_on: date,
    applied_on: date,
    skill_subsidy_payable: bool,
    params: PolicyParameters,
    sources: Mapping[str, str],
) -> LivingAllowanceDecision:
    """Decides the one-off living allowance (001 §三(一)): group, graduation, once a year, with the subsidy.

    Once a year is read as once per calendar year of the application: an allowance already received
    in the year of applied_on rules it out.
    """
    source = sources.get("living_allowance_fen", SOURCE_LIVING)
    chosen = [LivingAllowanceGroup(g) for g in groups]
    plain = [g for g in chosen if g not in POST_SCHOOL_YOUTH_GROUPS]
    youth = [g for g in chosen if g in POST_SCHOOL_YOUTH_GROUPS]
    results: list[RuleResult] = []
    graduation = graduation_result(graduated_on, certificate_issued_on) if youth else None
    qualifying = plain + (youth if graduation is not None and graduation.met else [])
    if qualifying:
        names = ", ".join(g.value for g in qualifying)
        names_zh = "、".join(GROUP_NAMES_ZH[g] for g in qualifying)
        results.append(RuleResult(
            SUB_LIVING_GROUP, True,
            f"belongs to an eligible group: {names}", f"属于可享受生活费补贴的人员：{names_zh}",
            source, "living_allowance.groups",
        ))
    elif youth:
        results.append(RuleResult(
            SUB_LIVING_GROUP, False,
            "claims only post-school youth groups and is not within 2 years of graduation",
            "仅属“两后生”类别，且不在毕业 2 年内", source, "living_allowance.groups",
        ))
    else:
        results.append(RuleResult(
            SUB_LIVING_GROUP, False,
            "belongs to none of the groups: lifted out of poverty, employment difficulty, zero-employment "
            "family, disabled, rural or low-income-family post-school youth within 2 years of graduation",
            "不属于脱贫人口、就业困难人员、零就业家庭成员、残疾人、毕业2年内“两后生”中的农村学员和城乡低保家庭学员",
            source, "living_allowance.groups",
        ))
    if graduation is not None:
        results.append(graduation)

    year = applied_on.year
    if last_allowance_on is not None and last_allowance_on.year == year:
        results.append(RuleResult(
            SUB_LIVING_ONCE_A_YEAR, False,
            f"a living allowance was already received on {last_allowance_on.isoformat()}, in {year}, "
            f"the year of the application ({applied_on.isoformat()})",
            f"已于 {last_allowance_on.isoformat()} 领取生活费补贴，"
            f"与本次申请（{applied_on.isoformat()}）同在 {year} 年",
            source, "living_allowance.last_allowance_on",
        ))
    else:
        previous = (
            f"the last one was on {last_allowance_on.isoformat()}"
            if last_allowance_on
            else "none received before"
        )
        previous_zh = f"上次领取于 {last_allowance_on.isoformat()}" if last_allowance_on else "此前未领取"
        results.append(RuleResult(
            SUB_LIVING_ONCE_A_YEAR, True,
            f"no living allowance yet in {year}, the year of the application ({previous})",
            f"{year} 年（申请年度）内尚未领取生活费补贴（{previous_zh}）",
            source, "living_allowance.last_allowance_on",
        ))

    results.append(RuleResult(
        SUB_LIVING_WITH_SUBSIDY, skill_subsidy_payable,
        "granted together with the skill subsidy, which "
        + ("is payable" if skill_subsidy_payable else "is not payable for this certificate"),
        "生活费补贴与技能提升补贴同时发放，本次技能提升补贴"
        + ("符合条件" if skill_subsidy_payable else "不符合条件"),
        source, None,
    ))
    # SUB-LIVING-GRADUATION only feeds SUB-LIVING-GROUP: another group may qualify without it.
    eligible = all(r.met for r in results if r.rule != SUB_LIVING_GRADUATION)
    return LivingAllowanceDecision(
        eligible=eligible,
        amount_fen=params.living_allowance_fen if eligible else 0,
        results=tuple(results),
    )
