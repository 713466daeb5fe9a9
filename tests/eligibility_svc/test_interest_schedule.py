"""Tests of the startup-loan interest rules: rate cap (LOAN-RATE), 50% subsidy and the period schedule."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from eligibility_svc.startup_loan.interest import (
    InterestFrequency,
    InterestPeriod,
    LoanTerms,
    RateAboveCapError,
    Repayment,
    check_rate,
    interest_subsidy_fen,
    rate_cap_bp,
    round_half_up,
    subsidy_schedule,
)
from eligibility_svc.startup_loan.schemas import LoanTermsRequest
from eligibility_svc.startup_loan.service import loan_terms
from shared.policy import default_registry
from tests.support import PLAN

PARAMS = default_registry().default.params(date(2026, 1, 1))
LPR_BP = 300  # a 1-year LPR of 3.00%


def schedule(**terms: Any) -> list[InterestPeriod]:
    """Builds the schedule of a loan: 300,000 yuan at 3.50% for 12 months from 2026-01-15 unless given."""
    values: dict[str, Any] = {
        "principal_fen": 30_000_000,
        "annual_rate_bp": 350,
        "term_months": 12,
        "start_date": date(2026, 1, 15),
    }
    values.update(terms)
    return subsidy_schedule(loan_terms(LoanTermsRequest.model_validate(values)), lpr_bp=LPR_BP, params=PARAMS)


def exact_half_up(principal: int, rate_bp: int, days: int) -> int:
    """Independent oracle: actual/360 interest in exact Decimal, rounded half up to the fen."""
    with localcontext() as context:
        context.prec = 60
        amount = Decimal(principal) * Decimal(rate_bp) / Decimal(10_000) * Decimal(days) / Decimal(360)
        return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        ("numerator", "denominator", "expected"),
        [(4, 10, 0), (5, 10, 1), (15, 10, 2), (25, 10, 3), (24, 10, 2), (-5, 10, -1), (-4, 10, 0), (0, 7, 0)],
    )
    def test_halves_round_up(self, numerator: int, denominator: int, expected: int) -> None:
        assert round_half_up(numerator, denominator) == expected

    def test_denominator_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            round_half_up(1, 0)


class TestRateCap:
    def test_cap_is_lpr_plus_50_bp(self) -> None:
        assert rate_cap_bp(LPR_BP, PARAMS) == 350

    @pytest.mark.parametrize("rate_bp", [0, 349, 350])
    def test_rates_up_to_the_cap_pass(self, rate_bp: int) -> None:
        check_rate(rate_bp, LPR_BP, PARAMS)
        assert schedule(annual_rate_bp=rate_bp)

    def test_a_rate_above_the_cap_is_rejected_not_capped(self) -> None:
        with pytest.raises(RateAboveCapError) as caught:
            schedule(annual_rate_bp=351)
        error = caught.value
        assert error.rule == "LOAN-RATE"
        assert (error.rate_bp, error.lpr_bp, error.cap_bp) == (351, 300, 350)
        assert "3.51%" in error.message and "3.50%" in error.message
        assert "年利率3.51%" in error.message_zh and "上限3.50%" in error.message_zh
        assert "3.00%加0.50 个百分点" in error.message_zh and "BP" not in error.message_zh
        assert f"{PLAN}五(二)3" in str(error)


class TestSubsidyShare:
    @pytest.mark.parametrize(("interest", "subsidy"), [(0, 0), (1, 1), (2, 1), (3, 2), (90_417, 45_209), (100, 50)])
    def test_half_rounded_half_up(self, interest: int, subsidy: int) -> None:
        assert interest_subsidy_fen(interest, PARAMS) == subsidy


class TestLumpSumMonthly:
    def test_first_periods_by_hand(self) -> None:
        periods = schedule()
        first, second = periods[0], periods[1]
        # 30,000,000 fen x 3.50% x 31 / 360 = 90,416.67 fen.
        assert (first.period_start, first.period_end, first.days) == (
            date(2026, 1, 15),
            date(2026, 2, 15),
            31,
        )
        assert (first.interest_fen, first.subsidy_fen, first.borrower_fen) == (90_417, 45_209, 45_208)
        # 28 days in February: 81,666.67 fen.
        assert (second.period_end, second.days) == (date(2026, 3, 15), 28)
        # Cumulative subsidy (issue 16): half of 90,417 + 81,667 = 172,084 is 86,042, less the 45,209 paid.
        assert (second.interest_fen, second.subsidy_fen, second.borrower_fen) == (81_667, 40_833, 40_834)

    def test_periods_cover_the_term_without_gaps(self) -> None:
        periods = schedule()
        assert len(periods) == 12
        assert [p.number for p in periods] == list(range(1, 13))
        assert periods[-1].period_end == date(2027, 1, 15)
        assert sum(p.days for p in periods) == 365
        for earlier, later in itertools.pairwise(periods):
            assert later.period_start == earlier.period_end

    def test_principal_is_repaid_at_maturity(self) -> None:
        periods = schedule()
        assert all(p.principal_outstanding_fen == 30_000_000 for p in periods)
        assert [p.principal_repaid_fen for p in periods] == [0] * 11 + [30_000_000]

    def test_every_period_subsidy_plus_borrower_is_interest(self) -> None:
        for period in schedule():
            assert period.subsidy_fen + period.borrower_fen == period.interest_fen

    def test_subsidy_total_is_half_the_interest_rounded_once(self) -> None:
        # 36 monthly periods of 300,000 yuan at 3.50%: rounding each period's half up on its own paid
        # 12 fen more than half the interest; cumulative rounding pays exactly half, rounded once.
        periods = schedule(term_months=36)
        total_interest = sum(p.interest_fen for p in periods)
        independent_per_period = sum(round_half_up(p.interest_fen, 2) for p in periods)
        assert independent_per_period - round_half_up(total_interest, 2) == 12
        assert sum(p.subsidy_fen for p in periods) == round_half_up(total_interest, 2)
        running = 0
        for index, period in enumerate(periods, start=1):
            running += period.subsidy_fen
            assert running == round_half_up(sum(p.interest_fen for p in periods[:index]), 2)

    def test_half_a_fen_rounds_up_twice(self) -> None:
        # 600 fen x 1.00% x 30 / 360 = 0.5 fen -> 1 fen interest; half of it, 0.5 -> 1 fen subsidy.
        (period,) = schedule(principal_fen=600, annual_rate_bp=100, term_months=1, start_date=date(2026, 4, 1))
        assert period.days == 30
        assert (period.interest_fen, period.subsidy_fen, period.borrower_fen) == (1, 1, 0)

    def test_month_end_start_follows_the_day_rule(self) -> None:
        periods = schedule(start_date=date(2026, 1, 31), term_months=4)
        assert [p.period_end for p in periods] == [
            date(2026, 2, 28),
            date(2026, 3, 31),
            date(2026, 4, 30),
            date(2026, 5, 31),
        ]
        assert [p.days for p in periods] == [28, 31, 30, 31]


class TestEarlyRepayment:
    def test_schedule_stops_at_the_repayment_date(self) -> None:
        full = schedule()
        early = schedule(repaid_on=date(2026, 5, 1))
        assert [p.period_end for p in early] == [*[p.period_end for p in full[:3]], date(2026, 5, 1)]
        assert early[:3] == full[:3]
        assert early[-1].days == 16 and early[-1].principal_repaid_fen == 30_000_000
        assert early[-1].interest_fen == exact_half_up(30_000_000, 350, 16)

    @pytest.mark.parametrize("repaid_on", [date(2026, 1, 15), date(2027, 1, 15), date(2027, 3, 1)])
    def test_outside_the_term_is_refused(self, repaid_on: date) -> None:
        with pytest.raises(ValueError, match="repaid_on"):
            schedule(repaid_on=repaid_on)


class TestQuarterly:
    def test_quarters_and_a_short_last_period(self) -> None:
        periods = schedule(frequency="quarterly", term_months=7, start_date=date(2026, 3, 10))
        assert [p.period_end for p in periods] == [date(2026, 6, 10), date(2026, 9, 10), date(2026, 10, 10)]
        assert [p.days for p in periods] == [92, 92, 30]
        for period in periods:
            assert period.interest_fen == exact_half_up(30_000_000, 350, period.days)

    def test_default_frequency_is_monthly(self) -> None:
        assert (
            LoanTerms(principal_fen=1, annual_rate_bp=1, term_months=1, start_date=date(2026, 1, 1)).frequency
            is InterestFrequency.MONTHLY
        )


class TestEqualPrincipal:
    def test_principal_falls_each_period(self) -> None:
        periods = schedule(principal_fen=1_000_001, term_months=3, repayment="equal_principal")
        assert [p.principal_repaid_fen for p in periods] == [333_333, 333_333, 333_335]
        assert [p.principal_outstanding_fen for p in periods] == [1_000_001, 666_668, 333_335]
        for period in periods:
            assert period.interest_fen == exact_half_up(period.principal_outstanding_fen, 350, period.days)

    def test_default_repayment_is_lump_sum(self) -> None:
        assert (
            LoanTerms(principal_fen=1, annual_rate_bp=1, term_months=1, start_date=date(2026, 1, 1)).repayment
            is Repayment.LUMP_SUM
        )


class TestLoanTermsValidation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"principal_fen": 0}, "principal_fen"),
            ({"principal_fen": 100.0}, "principal_fen"),
            ({"annual_rate_bp": -1}, "annual_rate_bp"),
            ({"term_months": 0}, "term_months"),
            ({"frequency": "weekly"}, "frequency"),
            ({"repayment": "balloon"}, "repayment"),
        ],
    )
    def test_rejected(self, changes: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            schedule(**changes)
        assert [e["loc"] for e in caught.value.errors()] == [(field,)]


class TestScheduleProperties:
    @settings(max_examples=300, deadline=None)
    @given(
        principal=st.integers(min_value=1, max_value=5_000_000_00),
        rate_bp=st.integers(min_value=0, max_value=350),
        term=st.integers(min_value=1, max_value=36),
        start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
        frequency=st.sampled_from(list(InterestFrequency)),
        repayment=st.sampled_from(list(Repayment)),
    )
    def test_invariants(
        self,
        principal: int,
        rate_bp: int,
        term: int,
        start: date,
        frequency: InterestFrequency,
        repayment: Repayment,
    ) -> None:
        periods = schedule(
            principal_fen=principal,
            annual_rate_bp=rate_bp,
            term_months=term,
            start_date=start,
            frequency=frequency,
            repayment=repayment,
        )
        assert periods[0].period_start == start
        assert sum(p.days for p in periods) == (periods[-1].period_end - start).days
        assert sum(p.principal_repaid_fen for p in periods) == principal
        for period in periods:
            assert period.subsidy_fen + period.borrower_fen == period.interest_fen
            assert period.interest_fen == exact_half_up(period.principal_outstanding_fen, rate_bp, period.days)
            assert abs(period.subsidy_fen - period.borrower_fen) <= 1 and period.borrower_fen >= 0
        # The subsidy paid up to any period is half the interest up to it, rounded once (never drifting).
        for upto in range(1, len(periods) + 1):
            interest = sum(p.interest_fen for p in periods[:upto])
            assert sum(p.subsidy_fen for p in periods[:upto]) == round_half_up(interest, 2)
