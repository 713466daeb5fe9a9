"""Deregistration rules (002 §五): reason codes and groups, DEREG-NOTIFY, DEREG-INCOME, DEREG-DATE."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from shared.explain import RuleResult

DEREGISTRATION_SOURCE: Final = "002 §五"


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

# DEREG-NOTIFY: 移居境外、被判刑收监执行、死亡及无法取得联系的除外.
NOT_NOTIFIED: Final = frozenset(
    {
        DeregistrationReason.MOVED_ABROAD,
        DeregistrationReason.IMPRISONED,
        DeregistrationReason.DECEASED,
        DeregistrationReason.UNREACHABLE,
    }
)


def reason_group(reason: DeregistrationReason) -> ReasonGroup:
    """Returns the seed's group of a reason."""
    return REASON_GROUPS[reason]


def notify_rule(reason: DeregistrationReason) -> RuleResult:
    """Returns DEREG-NOTIFY: whether the person is told of the deregistration (met = notify)."""
    if reason in NOT_NOTIFIED:
        return RuleResult(
            "DEREG-NOTIFY",
            False,
            f"reason {reason.value} is one of moved_abroad, imprisoned, deceased, unreachable: "
            "the person is not notified",
            f"注销原因 {reason.value} 属于移居境外、被判刑收监执行、死亡或无法取得联系，不予告知",
            DEREGISTRATION_SOURCE,
        )
    return RuleResult(
        "DEREG-NOTIFY",
        True,
        f"reason {reason.value}: the person is notified (SMS/WeChat/letter)",
        f"注销原因 {reason.value}：以适当方式告知本人",
        DEREGISTRATION_SOURCE,
    )


def check_income(
    reason: DeregistrationReason, monthly_income_fen: int | None, minimum_fen: int, minimum_source: str
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
            f"以稳定收入注销须填写月收入（分），以与最低生活保障标准 {minimum_fen} 分比较",
            f"{DEREGISTRATION_SOURCE}(二); {minimum_source}",
            "monthly_income_fen",
        )
    met = monthly_income_fen >= minimum_fen
    return RuleResult(
        "DEREG-INCOME",
        met,
        f"monthly income {monthly_income_fen} fen is {'at least' if met else 'below'} the local minimum "
        f"living standard {minimum_fen} fen",
        f"月收入 {monthly_income_fen} 分{'不低于' if met else '低于'}当地最低生活保障标准 {minimum_fen} 分",
        f"{DEREGISTRATION_SOURCE}(二); {minimum_source}",
        "monthly_income_fen",
    )


def check_effective_date(effective_date: date, registered_on: date, today: date) -> RuleResult:
    """Checks DEREG-DATE: the effective date lies between the registration date and today."""
    if effective_date < registered_on:
        return RuleResult(
            "DEREG-DATE",
            False,
            f"effective date {effective_date} is before the registration date {registered_on}",
            f"注销生效日期 {effective_date} 早于登记日期 {registered_on}",
            DEREGISTRATION_SOURCE,
            "effective_date",
        )
    if effective_date > today:
        return RuleResult(
            "DEREG-DATE",
            False,
            f"effective date {effective_date} is after today {today}",
            f"注销生效日期 {effective_date} 晚于今天 {today}",
            DEREGISTRATION_SOURCE,
            "effective_date",
        )
    return RuleResult(
        "DEREG-DATE",
        True,
        f"effective date {effective_date} lies between the registration date {registered_on} "
        f"and today {today}",
        f"注销生效日期 {effective_date} 介于登记日期 {registered_on} 与今天 {today} 之间",
        DEREGISTRATION_SOURCE,
        "effective_date",
    )
