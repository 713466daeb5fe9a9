"""Deregistration rules (002 §五): reason codes and groups, DEREG-NOTIFY, DEREG-INCOME, DEREG-DATE."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from shared.explain import RuleResult
from shared.wording import yuan

# The clause of deregistration is the policy pack's (PolicyPack.citation("deregistration")): the Gansu
# notice in Gansu, the national notice in Guangdong. Rules take it as `source`.


class ReasonGroup(StrEnum):
    """How seed 002 §五 groups the reasons."""

    OVER_AGE = "over_age"
    EMPLOYED = "employed"
    ENDED_JOB_SEEKING = "ended_job_seeking"
    OTHER = "other"


class DeregistrationReason(StrEnum):
    """Why a registration ends (rules.md, Deregistration)."""

    PENSION = "pension"
    HIRED = "hired"
    SELF_EMPLOYED = "self_employed"
    STABLE_INCOME = "stable_income"
    ENROLLED_IN_SCHOOL = "enrolled_in_school"
    MILITARY_SERVICE = "military_service"
    MOVED_ABROAD = "moved_abroad"
    LOST_WORK_ABILITY = "lost_work_ability"
    IMPRISONED = "imprisoned"
    DECEASED = "deceased"
    REFUSED_SERVICES = "refused_services"
    UNREACHABLE = "unreachable"
    OTHER_PROVINCIAL = "other_provincial"


REASON_GROUPS: Final[dict[DeregistrationReason, ReasonGroup]] = {
    DeregistrationReason.PENSION: ReasonGroup.OVER_AGE,
    DeregistrationReason.HIRED: ReasonGroup.EMPLOYED,
    DeregistrationReason.SELF_EMPLOYED: ReasonGroup.EMPLOYED,
    DeregistrationReason.STABLE_INCOME: ReasonGroup.EMPLOYED,
    DeregistrationReason.ENROLLED_IN_SCHOOL: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.MILITARY_SERVICE: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.MOVED_ABROAD: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.LOST_WORK_ABILITY: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.IMPRISONED: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.DECEASED: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.REFUSED_SERVICES: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.UNREACHABLE: ReasonGroup.ENDED_JOB_SEEKING,
    DeregistrationReason.OTHER_PROVINCIAL: ReasonGroup.OTHER,
}

# The reasons as the person and the caseworker read them (002 §五).
REASON_TEXTS: Final[dict[DeregistrationReason, tuple[str, str]]] = {
    DeregistrationReason.PENSION: ("receives the basic pension", "已依法享受基本养老保险待遇"),
    DeregistrationReason.HIRED: ("hired by an employer", "被用人单位录用或招聘"),
    DeregistrationReason.SELF_EMPLOYED: (
        "self-employed or founded an enterprise or private non-enterprise unit",
        "从事个体经营、创办企业或民办非企业",
    ),
    DeregistrationReason.STABLE_INCOME: (
        "works with a stable income at least the local minimum living standard",
        "从事有稳定收入的劳动且月收入不低于当地最低生活保障标准",
    ),
    DeregistrationReason.ENROLLED_IN_SCHOOL: ("enrolled in school", "入学"),
    DeregistrationReason.MILITARY_SERVICE: ("entered military service", "应征服兵役"),
    DeregistrationReason.MOVED_ABROAD: ("moved abroad", "移居境外"),
    DeregistrationReason.LOST_WORK_ABILITY: ("completely lost the ability to work", "完全丧失劳动能力"),
    DeregistrationReason.IMPRISONED: ("imprisoned", "被判刑收监执行"),
    DeregistrationReason.DECEASED: ("deceased", "死亡"),
    DeregistrationReason.REFUSED_SERVICES: (
        "refused public employment services 3 times in a row without good reason",
        "无正当理由连续3次拒绝接受公共就业服务",
    ),
    DeregistrationReason.UNREACHABLE: ("unreachable for 6 consecutive months", "连续6个月无法取得联系"),
    DeregistrationReason.OTHER_PROVINCIAL: (
        "another case set by the provincial human-resources department",
        "省级人力资源和社会保障部门确定的其他情形",
    ),
}

# DEREG-NOTIFY: 移居境外、被判刑收监执行、死亡及无法取得联系的除外.
NOT_NOTIFIED: Final = frozenset(
    {
        DeregistrationReason.MOVED_ABROAD,
        DeregistrationReason.IMPRISONED,
        DeregistrationReason.DECEASED,
        DeregistrationReason.UNREACHABLE,
    }
)


# DEREG-MANUAL: these reasons rest on months of recorded follow-up (FU-UNREACHABLE: 6 consecutive
# unreachable months; FU-REFUSAL: 3 consecutive unjustified refusals). Accepted by hand without that
# evidence, anyone could be removed silently on the day they register.
FOLLOWUP_ONLY_REASONS: Final = frozenset({DeregistrationReason.UNREACHABLE, DeregistrationReason.REFUSED_SERVICES})
OVERRIDE_REASON_MIN_LENGTH: Final = 10


def manual_reason_rule(
    reason: DeregistrationReason, source: str, *, is_admin: bool, override_reason: str | None
) -> RuleResult:
    """DEREG-MANUAL: unreachable and refused_services are taken at the endpoint only as an admin's
    documented override; they otherwise come from FU-UNREACHABLE and FU-REFUSAL."""
    label_en, label_zh = REASON_TEXTS[reason]
    if reason not in FOLLOWUP_ONLY_REASONS:
        return RuleResult(
            "DEREG-MANUAL", True, f"{label_en} may be recorded by staff", f"注销原因“{label_zh}”可由经办人员录入",
            source, "reason",
        )
    rule = "FU-UNREACHABLE" if reason is DeregistrationReason.UNREACHABLE else "FU-REFUSAL"
    if is_admin and override_reason is not None and len(override_reason) >= OVERRIDE_REASON_MIN_LENGTH:
        return RuleResult(
            "DEREG-MANUAL",
            True,
            f"{label_en} recorded by an administrator's override, documented: {override_reason}",
            f"注销原因“{label_zh}”由管理员依书面说明例外录入：{override_reason}",
            source,
            "override_reason",
        )
    return RuleResult(
        "DEREG-MANUAL",
        False,
        f"{label_en} is established by the follow-up rule {rule} from the recorded contacts, not entered by hand; "
        f"only an administrator may override it, with override_reason documenting why (at least "
        f"{OVERRIDE_REASON_MIN_LENGTH} characters)",
        f"注销原因“{label_zh}”须由跟踪服务记录依规则认定（{rule_label_zh(rule)}），不能直接录入；"
        f"确需例外的，须由管理员填写例外说明（不少于{OVERRIDE_REASON_MIN_LENGTH}个字）",
        source,
        "reason",
    )


def rule_label_zh(rule: str) -> str:
    """Returns how Chinese text names a follow-up rule that leads to deregistration."""
    return {
        "FU-UNREACHABLE": "连续6个月无法取得联系",
        "FU-REFUSAL": "无正当理由连续3次拒绝接受公共就业服务",
    }[rule]


def reason_group(reason: DeregistrationReason) -> ReasonGroup:
    """Returns the seed's group of a reason."""
    return REASON_GROUPS[reason]


def notify_rule(reason: DeregistrationReason, source: str) -> RuleResult:
    """Returns DEREG-NOTIFY: whether the person is told of the deregistration (met = notify)."""
    label_en, label_zh = REASON_TEXTS[reason]
    if reason in NOT_NOTIFIED:
        return RuleResult(
            "DEREG-NOTIFY",
            False,
            f"reason {reason.value} ({label_en}) is one of moved_abroad, imprisoned, deceased, unreachable: "
            "the person is not notified",
            f"注销原因为“{label_zh}”，属于移居境外、被判刑收监执行、死亡或无法取得联系的情形，不予告知",
            source,
        )
    return RuleResult(
        "DEREG-NOTIFY",
        True,
        f"reason {reason.value} ({label_en}): the person is notified (SMS/WeChat/letter)",
        f"注销原因为“{label_zh}”：以适当方式告知本人",
        source,
    )


def check_income(
    reason: DeregistrationReason, monthly_income_fen: int | None, minimum_fen: int, minimum_source: str, source: str
) -> RuleResult | None:
    """Checks DEREG-INCOME for stable_income: monthly income at least the local minimum living standard."""
    if reason is not DeregistrationReason.STABLE_INCOME:
        return None
    if monthly_income_fen is None:
        return RuleResult(
            "DEREG-INCOME",
            False,
            "stable_income needs monthly_income_fen to compare with the minimum living standard "
            f"{minimum_fen} fen",
            f"以稳定收入注销须填写月收入，以与当地最低生活保障标准{yuan(minimum_fen)}比较",
            f"{source}; {minimum_source}",
            "monthly_income_fen",
        )
    met = monthly_income_fen >= minimum_fen
    return RuleResult(
        "DEREG-INCOME",
        met,
        f"monthly income {monthly_income_fen} fen is {'at least' if met else 'below'} the local minimum "
        f"living standard {minimum_fen} fen",
        f"月收入{yuan(monthly_income_fen)}{'不低于' if met else '低于'}当地最低生活保障标准{yuan(minimum_fen)}",
        f"{source}; {minimum_source}",
        "monthly_income_fen",
    )


def check_effective_date(effective_date: date, registered_on: date, today: date, source: str) -> RuleResult:
    """Checks DEREG-DATE: the effective date lies between the registration date and today."""
    if effective_date < registered_on:
        return RuleResult(
            "DEREG-DATE",
            False,
            f"effective date {effective_date} is before the registration date {registered_on}",
            f"注销生效日期 {effective_date} 早于登记日期 {registered_on}",
            source,
            "effective_date",
        )
    if effective_date > today:
        return RuleResult(
            "DEREG-DATE",
            False,
            f"effective date {effective_date} is after today {today}",
            f"注销生效日期 {effective_date} 晚于今天 {today}",
            source,
            "effective_date",
        )
    return RuleResult(
        "DEREG-DATE",
        True,
        f"effective date {effective_date} lies between the registration date {registered_on} "
        f"and today {today}",
        f"注销生效日期 {effective_date} 介于登记日期 {registered_on} 与今天 {today} 之间",
        source,
        "effective_date",
    )
