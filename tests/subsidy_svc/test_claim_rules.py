"""Pure rules of claims without a database: SUB-ACCOUNT, overdue steps, the allowance decision's rule IDs."""

from __future__ import annotations

from datetime import date

import pytest

from shared.explain import RuleResult
from subsidy_svc.claims import rules
from subsidy_svc.loans.errors import RateAboveCap
from subsidy_svc.loans.service import check_rate
from subsidy_svc.skill_subsidy.rules import SUB_LIVING_GROUP, SUB_LIVING_ONCE_A_YEAR, SUB_LIVING_WITH_SUBSIDY


class TestAccountHolder:
    @pytest.mark.parametrize(("applicant", "holder"), [("李四", "李四"), ("李 四", "李四"), ("ＬＩ Si", "li si")])
    def test_same_name(self, applicant: str, holder: str) -> None:
        result = rules.account_holder(applicant, holder)
        assert (result.rule, result.met) == ("SUB-ACCOUNT", True)

    def test_another_name(self) -> None:
        result = rules.account_holder("李四", "李思")
        assert (result.rule, result.met, result.field) == ("SUB-ACCOUNT", False, "bank_account.account_name")
        assert "李思" in result.reason and "李四" in result.reason_zh


class TestStepOverdue:
    DUE = date(2026, 4, 23)

    @pytest.mark.parametrize(("actual", "today", "overdue"), [
        (None, date(2026, 4, 23), False),  # the due date itself
        (None, date(2026, 4, 24), True),  # from the day after
        (date(2026, 4, 23), date(2026, 5, 30), False),  # done on the due date
        (date(2026, 4, 24), date(2026, 4, 24), True),  # done late: still recorded, still flagged
    ])
    def test_boundaries(self, actual: date | None, today: date, overdue: bool) -> None:
        assert rules.step_overdue(self.DUE, actual, today) is overdue

    def test_no_due_date_yet(self) -> None:
        assert rules.step_overdue(None, None, date(2030, 1, 1)) is False


def result(rule: str, met: bool) -> RuleResult:
    return RuleResult(rule, met, f"{rule} {met}", f"{rule}{'符合' if met else '不符合'}", "shaoguan-plan 三(一)", None)


class TestAllowanceDecision:
    def test_granted_names_the_group_rule(self) -> None:
        decision = rules.allowance_decision(
            [result(SUB_LIVING_GROUP, True), result(SUB_LIVING_ONCE_A_YEAR, True),
             result(SUB_LIVING_WITH_SUBSIDY, True)],
            True,
        )
        assert (decision.granted, decision.rule) == (True, "SUB-ALLOWANCE-GROUP")
        assert "《韶关市登记失业人员跟踪服务工作方案》三(一)" in decision.reason

    def test_refused_names_the_first_rule_not_met_as_rules_md_calls_it(self) -> None:
        decision = rules.allowance_decision(
            [result(SUB_LIVING_GROUP, True), result(SUB_LIVING_ONCE_A_YEAR, False)], False
        )
        assert (decision.granted, decision.rule) == (False, "SUB-ALLOWANCE-ONCE")


class TestLoanRate:
    def test_the_cap_itself_passes_one_bp_more_does_not(self) -> None:
        check_rate(350, 300, 50)
        with pytest.raises(RateAboveCap) as caught:
            check_rate(351, 300, 50)
        assert caught.value.violations[0].rule == "LOAN-RATE"
