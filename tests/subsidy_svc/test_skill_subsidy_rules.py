"""Skill-subsidy rules (001 §三): SUB-WINDOW, the review/notice/payment timeline, the living allowance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from shared.calendar import WorkdayCalendar, chinesecalendar_years
from shared.explain import RuleResult
from shared.policy import PolicyParameters, default_registry
from subsidy_svc.skill_subsidy import rules
from subsidy_svc.skill_subsidy.rules import LivingAllowanceGroup as G
from tests.support import PLAN

# The seed years up to 2026 only, so that 2027 is estimated whatever chinesecalendar version is installed.
CAL = WorkdayCalendar({y: a for y, a in chinesecalendar_years().items() if y <= 2026})
PACK = default_registry().default


def params_on(day: date) -> tuple[PolicyParameters, Mapping[str, str]]:
    return PACK.params(day), PACK.sources(day)


def timeline(issued: date, applied: date, received: date | None = None) -> rules.SkillTimeline:
    params, sources = params_on(applied)
    return rules.skill_timeline(issued, applied, received or applied, params, sources, CAL)


class TestPackParameters:
    def test_the_rules_read_the_seed_figures_from_the_pack(self) -> None:
        params, sources = params_on(date(2026, 1, 1))
        assert params.skill_subsidy_window_months == 12
        steps = (params.skill_review_workdays, params.skill_notice_workdays, params.skill_payment_workdays)
        assert steps == (15, 5, 60)
        assert params.living_allowance_fen == 500_00
        assert sources["skill_subsidy_window_months"] == f"{PLAN}三(二)"


class TestApplicationWindowLeapDay:
    """SUB-WINDOW, T-PERIOD: 2024-02-29 + 12 months ends on 2025-02-28, a Friday and a working day."""

    def test_apply_by_is_the_last_day_of_february(self) -> None:
        assert CAL.is_workday(date(2025, 2, 28))
        assert timeline(date(2024, 2, 29), date(2025, 2, 1)).apply_by == date(2025, 2, 28)

    def test_the_day_before_apply_by_is_inside(self) -> None:
        result = timeline(date(2024, 2, 29), date(2025, 2, 27))
        assert result.within_window and result.violations == []

    def test_on_apply_by_is_inside(self) -> None:
        result = timeline(date(2024, 2, 29), date(2025, 2, 28))
        assert result.within_window
        window = result.results[0]
        assert window.rule == "SUB-WINDOW" and window.met
        assert "2025-02-28" in window.reason and "2025-02-28" in window.reason_zh

    def test_the_day_after_apply_by_is_outside_with_a_bilingual_violation(self) -> None:
        result = timeline(date(2024, 2, 29), date(2025, 3, 1))
        assert not result.within_window
        [violation] = result.violations
        assert violation.rule == "SUB-WINDOW" and violation.field == "applied_on"
        for text in (violation.reason, violation.reason_zh):
            assert "2025-03-01" in text and "2025-02-28" in text and "2024-02-29" in text
        assert f"{PLAN}三(二)" in violation.source and "T-PERIOD" in violation.source

    def test_on_the_issue_date_is_inside_and_the_day_before_is_not(self) -> None:
        # 2028-02-29, the next leap day: in 2024 the Shaoguan plan (issued 2024-04-06) was not yet in force.
        assert timeline(date(2028, 2, 29), date(2028, 2, 29)).within_window
        before = timeline(date(2028, 2, 29), date(2028, 2, 28))
        assert not before.within_window
        assert "before the certificate" in before.violations[0].reason


class TestApplicationWindowShift:
    """T-PERIOD: a last day that is a rest day moves to the next working day."""

    def test_a_last_day_in_national_day_moves_to_8_october(self) -> None:
        # 2025-10-01 + 12 months = Thu 2026-10-01, a holiday; 1-7 October are holidays, 8 October works.
        assert not CAL.is_workday(date(2026, 10, 1))
        result = timeline(date(2025, 10, 1), date(2026, 10, 8))
        assert result.apply_by == date(2026, 10, 8) and result.within_window
        assert not timeline(date(2025, 10, 1), date(2026, 10, 9)).within_window
        assert timeline(date(2025, 10, 1), date(2026, 10, 7)).within_window

    def test_a_last_day_on_a_sunday_moves_to_monday(self) -> None:
        # Sun 2026-02-01 -> Mon 2026-02-02.
        assert timeline(date(2025, 2, 1), date(2025, 6, 1)).apply_by == date(2026, 2, 2)

    def test_a_last_day_on_a_makeup_saturday_does_not_move(self) -> None:
        # Sat 2026-02-28 is a make-up workday of the Spring Festival arrangement.
        assert timeline(date(2025, 2, 28), date(2025, 6, 1)).apply_by == date(2026, 2, 28)

    def test_a_last_day_in_a_year_without_data_is_estimated(self) -> None:
        result = timeline(date(2026, 3, 15), date(2026, 3, 16))
        assert result.apply_by == date(2027, 3, 15) and result.estimated
        assert "estimated" in result.results[0].reason


class TestTimelineAcrossNationalDay:
    """Worked by hand from the 2026 arrangement (holidays 25-27 Sep, 1-7 Oct; make-up 20 Sep, 10 Oct)."""

    def test_review_notice_and_payment(self) -> None:
        result = timeline(date(2025, 12, 1), date(2026, 9, 15))
        # 15 working days after Tue 15 Sep: 16,17,18, Sun 20 (make-up), 21-24 = 8; 28,29,30 = 11;
        # 8, 9 Oct, Sat 10 (make-up) = 14; Mon 12 Oct = 15.
        assert result.review_due == date(2026, 10, 12)
        assert result.notice_start == date(2026, 10, 13)
        # 5 working days counting 13 Oct as the first: 13, 14, 15, 16, 19.
        assert result.notice_end == date(2026, 10, 19)
        # 60 working days after 19 Oct: 53 by Thu 31 Dec, then 2027 (no published arrangement: weekends
        # and the statutory holidays, estimated): Fri 1 Jan is 元旦, 4-8 Jan = 58, 11-12 Jan = 60.
        assert result.payment_due == date(2027, 1, 12)
        # Only the payment step reaches 2027; the window (apply_by Tue 2026-12-01) has data.
        assert result.apply_by == date(2026, 12, 1)
        assert result.estimated

    def test_explanations_name_each_step(self) -> None:
        result = timeline(date(2025, 12, 1), date(2026, 9, 15))
        assert [r.rule for r in result.results] == ["SUB-WINDOW", "SUB-REVIEW", "SUB-NOTICE", "SUB-PAYMENT"]
        review = result.results[1]
        assert "2026-10-12" in review.reason and "15" in review.reason and "2026-10-12" in review.reason_zh
        assert review.source == f"{PLAN}三(二)；T-WORKDAY"
        assert "estimated" in result.results[3].reason and "估算" in result.results[3].reason_zh


class TestTimelineAcrossSpringFestival:
    """Holidays 15-23 Feb 2026, make-up Sat 14 and Sat 28 Feb; Qingming 4-6 Apr; May Day 1-5 May."""

    def test_review_lands_on_a_makeup_saturday(self) -> None:
        result = timeline(date(2025, 6, 1), date(2026, 2, 2))
        # After Mon 2 Feb: 3-6 = 4, 9-13 = 9, Sat 14 = 10, 24-27 = 14, Sat 28 = 15.
        assert result.review_due == date(2026, 2, 28)
        # The working day after Sat 28 Feb is Mon 2 Mar (Sun 1 Mar rests); notice 2-6 Mar.
        assert result.notice_start == date(2026, 3, 2)
        assert result.notice_end == date(2026, 3, 6)
        # After 6 Mar: March 9-31 = 17, 1-3 Apr = 20, 7-10 Apr = 24, 13-24 Apr = 34, 27-30 Apr = 38,
        # 6-8 May = 41, Sat 9 May = 42, 11-29 May = 57, 1-3 Jun = 60.
        assert result.payment_due == date(2026, 6, 3)
        assert not result.estimated

    def test_received_later_than_applied_counts_from_receipt(self) -> None:
        applied = timeline(date(2025, 6, 1), date(2026, 2, 2))
        received = timeline(date(2025, 6, 1), date(2026, 2, 2), received=date(2026, 2, 3))
        assert applied.review_due == date(2026, 2, 28)
        # One working day later in receipt is one working day later in review: Mon 2 Mar.
        assert received.review_due == date(2026, 3, 2)


class TestTimelineInsideKnownYears:
    def test_nothing_is_estimated_when_every_step_has_data(self) -> None:
        result = timeline(date(2025, 1, 6), date(2025, 6, 3))
        assert not result.estimated
        assert result.payment_due.year == 2025


def decide(
    groups: list[G],
    *,
    graduated_on: date | None = None,
    last_allowance_on: date | None = None,
    issued: date = date(2026, 6, 30),
    applied: date = date(2026, 7, 15),
    payable: bool = True,
) -> rules.LivingAllowanceDecision:
    params, sources = params_on(applied)
    return rules.living_allowance(
        groups, graduated_on=graduated_on, last_allowance_on=last_allowance_on, certificate_issued_on=issued,
        applied_on=applied, skill_subsidy_payable=payable, params=params, sources=sources,
    )


def rule_of(decision: rules.LivingAllowanceDecision, rule: str) -> RuleResult:
    [result] = [r for r in decision.results if r.rule == rule]
    return result


class TestLivingAllowanceGroups:
    @pytest.mark.parametrize(
        "group", [G.LIFTED_OUT_OF_POVERTY, G.EMPLOYMENT_DIFFICULTY, G.ZERO_EMPLOYMENT_FAMILY, G.DISABLED]
    )
    def test_each_plain_group_gets_the_pack_amount(self, group: G) -> None:
        decision = decide([group])
        assert decision.eligible
        assert decision.amount_fen == PACK.params(date(2026, 7, 15)).living_allowance_fen == 500_00
        assert rule_of(decision, "SUB-LIVING-GROUP").met

    def test_no_group_gets_nothing(self) -> None:
        decision = decide([])
        assert not decision.eligible and decision.amount_fen == 0
        group = rule_of(decision, "SUB-LIVING-GROUP")
        assert not group.met and "残疾人" in group.reason_zh and "disabled" in group.reason

    def test_not_with_a_subsidy_that_is_not_payable(self) -> None:
        decision = decide([G.DISABLED], payable=False)
        assert not decision.eligible and decision.amount_fen == 0
        assert not rule_of(decision, "SUB-LIVING-WITH-SUBSIDY").met


class TestLivingAllowanceGraduation:
    """SUB-LIVING-GRADUATION: graduated 2024-06-30, the 2 years end on 2026-06-30 (T-PERIOD, no shift)."""

    @pytest.mark.parametrize("group", [G.POST_SCHOOL_YOUTH_RURAL, G.POST_SCHOOL_YOUTH_LOW_INCOME])
    def test_certificate_on_the_last_day_qualifies(self, group: G) -> None:
        decision = decide([group], graduated_on=date(2024, 6, 30), issued=date(2026, 6, 30))
        assert decision.eligible
        graduation = rule_of(decision, "SUB-LIVING-GRADUATION")
        assert graduation.met and "2026-06-30" in graduation.reason and "2024-06-30" in graduation.reason_zh

    def test_certificate_the_day_before_qualifies(self) -> None:
        decision = decide(
            [G.POST_SCHOOL_YOUTH_RURAL], graduated_on=date(2024, 6, 30), issued=date(2026, 6, 29)
        )
        assert decision.eligible

    def test_certificate_the_day_after_does_not(self) -> None:
        decision = decide(
            [G.POST_SCHOOL_YOUTH_RURAL], graduated_on=date(2024, 6, 30), issued=date(2026, 7, 1)
        )
        assert not decision.eligible
        assert not rule_of(decision, "SUB-LIVING-GRADUATION").met
        assert not rule_of(decision, "SUB-LIVING-GROUP").met

    def test_certificate_before_graduation_does_not(self) -> None:
        decision = decide(
            [G.POST_SCHOOL_YOUTH_RURAL], graduated_on=date(2026, 7, 1), issued=date(2026, 6, 30)
        )
        assert not decision.eligible
        assert "before graduation" in rule_of(decision, "SUB-LIVING-GRADUATION").reason

    def test_missing_graduation_date_does_not(self) -> None:
        decision = decide([G.POST_SCHOOL_YOUTH_LOW_INCOME])
        graduation = rule_of(decision, "SUB-LIVING-GRADUATION")
        assert not decision.eligible and graduation.field == "living_allowance.graduated_on"

    def test_another_group_qualifies_without_the_graduation_condition(self) -> None:
        decision = decide([G.POST_SCHOOL_YOUTH_RURAL, G.DISABLED], graduated_on=date(2020, 6, 30))
        assert decision.eligible
        assert not rule_of(decision, "SUB-LIVING-GRADUATION").met

    def test_the_graduation_rule_is_not_checked_for_plain_groups(self) -> None:
        assert [r.rule for r in decide([G.DISABLED]).results] == [
            "SUB-LIVING-GROUP", "SUB-LIVING-ONCE-A-YEAR", "SUB-LIVING-WITH-SUBSIDY",
        ]


class TestLivingAllowanceOnceAYear:
    """SUB-LIVING-ONCE-A-YEAR: at most once per calendar year of the application."""

    def test_last_allowance_on_31_december_of_the_year_before_allows_it(self) -> None:
        decision = decide([G.DISABLED], last_allowance_on=date(2025, 12, 31), applied=date(2026, 1, 5),
                          issued=date(2025, 12, 1))
        assert decision.eligible
        assert "2025-12-31" in rule_of(decision, "SUB-LIVING-ONCE-A-YEAR").reason

    def test_last_allowance_on_1_january_of_the_same_year_rules_it_out(self) -> None:
        decision = decide([G.DISABLED], last_allowance_on=date(2026, 1, 1), applied=date(2026, 1, 5),
                          issued=date(2025, 12, 1))
        assert not decision.eligible and decision.amount_fen == 0
        once = rule_of(decision, "SUB-LIVING-ONCE-A-YEAR")
        assert not once.met and "2026-01-01" in once.reason_zh and "2026" in once.reason

    def test_none_before_allows_it(self) -> None:
        assert rule_of(decide([G.DISABLED]), "SUB-LIVING-ONCE-A-YEAR").met
