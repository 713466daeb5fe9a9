"""Pure rules of claims: the account holder (SUB-ACCOUNT), steps overdue, the allowance decision's rule IDs."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from shared.explain import RuleResult
from shared.identity import normalize_id_number
from subsidy_svc.claims.models import AllowanceGroup
from subsidy_svc.skill_subsidy.rules import (
    SUB_LIVING_GRADUATION,
    SUB_LIVING_GROUP,
    SUB_LIVING_ONCE_A_YEAR,
    LivingAllowanceGroup,
)

SUB_ACCOUNT: Final = "SUB-ACCOUNT"
SUB_CATALOGUE: Final = "SUB-CATALOGUE"
SUB_DUPLICATE: Final = "SUB-DUPLICATE"
SUB_ALLOWANCE_GROUP: Final = "SUB-ALLOWANCE-GROUP"
SUB_ALLOWANCE_ONCE: Final = "SUB-ALLOWANCE-ONCE"
SOURCE_ACCOUNT: Final = "shaoguan-plan 三(二) 支付补贴资金至申请人账户"
SOURCE_CATALOGUE: Final = "shaoguan-plan 三(一) 补贴目录"

# The preview's rule IDs (skill_subsidy/rules.py) as rules.md names them on a claim.
_CLAIM_RULE: Final = {
    SUB_LIVING_GROUP: SUB_ALLOWANCE_GROUP,
    SUB_LIVING_GRADUATION: SUB_ALLOWANCE_GROUP,
    SUB_LIVING_ONCE_A_YEAR: SUB_ALLOWANCE_ONCE,
}

# api.md's group names and the preview's.
GROUPS: Final = {
    AllowanceGroup.POVERTY_ALLEVIATED: LivingAllowanceGroup.LIFTED_OUT_OF_POVERTY,
    AllowanceGroup.DIFFICULTY: LivingAllowanceGroup.EMPLOYMENT_DIFFICULTY,
    AllowanceGroup.ZERO_EMPLOYMENT_FAMILY: LivingAllowanceGroup.ZERO_EMPLOYMENT_FAMILY,
    AllowanceGroup.DISABLED: LivingAllowanceGroup.DISABLED,
    AllowanceGroup.POST_SCHOOL_RURAL: LivingAllowanceGroup.POST_SCHOOL_YOUTH_RURAL,
    AllowanceGroup.POST_SCHOOL_LOW_INCOME: LivingAllowanceGroup.POST_SCHOOL_YOUTH_LOW_INCOME,
}


def _name_key(name: str) -> str:
    # Full-width and half-width forms and spaces are the same name on a bank form.
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def account_holder(applicant_name: str, account_name: str) -> RuleResult:
    """Tells whether the account is in the applicant's own name (SUB-ACCOUNT)."""
    met = _name_key(applicant_name) == _name_key(account_name)
    if met:
        return RuleResult(SUB_ACCOUNT, True, f"the account is in the applicant's name {applicant_name}",
                          f"收款账户户名与申请人姓名（“{applicant_name}”）一致", SOURCE_ACCOUNT,
                          "bank_account.account_name")
    return RuleResult(
        SUB_ACCOUNT, False,
        f"the account is in the name of {account_name}, not the applicant {applicant_name}: the subsidy is paid "
        "only to the applicant's own account",
        f"收款账户户名（“{account_name}”）与申请人（“{applicant_name}”）不一致，补贴只能支付至申请人本人账户",
        SOURCE_ACCOUNT, "bank_account.account_name",
    )


def own_id_number(id_number: str) -> str:
    """Returns an identity number in the registry's form (shared.identity.normalize_id_number), to match a
    citizen's token subject against the number stored on a claim."""
    return normalize_id_number(id_number)


def step_overdue(due: date | None, actual: date | None, today: date) -> bool:
    """Tells whether a step is overdue: not done after its due date, or done late (still recorded, still flagged)."""
    if due is None:
        return False
    if actual is not None:
        return actual > due
    return today > due


@dataclass(frozen=True, slots=True)
class AllowanceDecision:
    """The decision stored on a claim: granted or not, the deciding rule (rules.md ID) and why."""

    granted: bool
    rule: str
    reason: str
    reason_zh: str


def allowance_decision(results: Sequence[RuleResult], granted: bool) -> AllowanceDecision:
    """Names the deciding rule: the first one not met when refused, the group rule when granted."""
    considered = [r for r in results if r.rule != SUB_LIVING_GRADUATION or not granted]
    if granted:
        group = next(r for r in considered if r.rule == SUB_LIVING_GROUP)
        others = "; ".join(r.reason for r in considered if r is not group)
        others_zh = "；".join(r.reason_zh for r in considered if r is not group)
        return AllowanceDecision(True, SUB_ALLOWANCE_GROUP, f"{group.reason}; {others} ({group.source})",
                                 f"{group.reason_zh}；{others_zh}（{group.source}）")
    failed = next(r for r in results if not r.met)
    return AllowanceDecision(False, _CLAIM_RULE.get(failed.rule, failed.rule),
                             f"{failed.reason} ({failed.source})", f"{failed.reason_zh}（{failed.source}）")


def not_requested() -> AllowanceDecision:
    """The decision when no living allowance is asked for."""
    return AllowanceDecision(False, SUB_ALLOWANCE_GROUP, "no living allowance was requested", "未申请生活费补贴")


def group_unverified(group: AllowanceGroup) -> RuleResult:
    """The group rule when a difficulty group is claimed but the person is not certified on the date."""
    return RuleResult(
        SUB_LIVING_GROUP, False,
        f"claims the group {group.value}, but the eligibility service has no employment-difficulty certification "
        "of the person on the application date",
        "申请人所报“就业困难人员”类别经资格认定服务核验，申请之日无有效认定",
        "shaoguan-plan 三(一)", "living_allowance.group",
    )
