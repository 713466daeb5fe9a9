"""Startup-loan interest: the rate cap over the LPR, the interest subsidy and its schedule (001 §五(二)3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from shared.policy import PolicyParameters
from shared.policy.documents import cite
from shared.timerules import add_months
from shared.wording import percent, percentage_points

RATE_RULE: Final = "LOAN-RATE"
RATE_SOURCE: Final = cite("shaoguan-plan 五(二)3")
BASIS_POINTS: Final = 10_000
# Chinese banks turn an annual rate into a daily rate by dividing by 360 (日利率 = 年利率 / 360,
# 《人民币利率管理规定》) and charge it for the actual days elapsed: actual/360.
DAY_COUNT_BASIS: Final = 360


class RateAboveCapError(ValueError):
    """The loan's annual rate is above LPR + the pack's cap, so it is not a startup guaranteed loan."""

    def __init__(self, rate_bp: int, lpr_bp: int, cap_bp: int) -> None:
        self.rule = RATE_RULE
        self.rate_bp, self.lpr_bp, self.cap_bp = rate_bp, lpr_bp, cap_bp
        self.message = (
            f"annual rate {percent(rate_bp)} is above the cap of {percent(cap_bp)} "
            f"(LPR {percent(lpr_bp)} + {percent(cap_bp - lpr_bp)})"
        )
        self.message_zh = (
            f"贷款年利率{percent(rate_bp)}，高于上限{percent(cap_bp)}"
            f"（不超过贷款市场报价利率{percent(lpr_bp)}加{percentage_points(cap_bp - lpr_bp)}）"
        )
        super().__init__(f"{RATE_RULE}: {self.message} / {self.message_zh} ({RATE_SOURCE})")


class InterestFrequency(StrEnum):
    """How often interest is settled (and the subsidy paid)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Repayment(StrEnum):
    """How the principal is repaid."""

    LUMP_SUM = "lump_sum"  # all principal at maturity, interest on the full amount
    EQUAL_PRINCIPAL = "equal_principal"  # equal principal each period, interest on what is left


_MONTHS_PER_PERIOD: Final = {"monthly": 1, "quarterly": 3}


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """A loan to build a subsidy schedule for."""

    principal_fen: int
    annual_rate_bp: int
    term_months: int
    start_date: date
    frequency: InterestFrequency = InterestFrequency.MONTHLY
    repayment: Repayment = Repayment.LUMP_SUM
    # Early repayment: the schedule stops at this date (its last period ends there) and the rest is repaid.
    repaid_on: date | None = None


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One interest period: interest accrues from period_start up to (not including) period_end."""

    number: int
    period_start: date
    period_end: date
    days: int
    principal_outstanding_fen: int
    principal_repaid_fen: int
    interest_fen: int
    subsidy_fen: int
    borrower_fen: int


def round_half_up(numerator: int, denominator: int) -> int:
    """Returns numerator / denominator rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def rate_cap_bp(lpr_bp: int, params: PolicyParameters) -> int:
    """Returns the highest annual rate allowed: the LPR plus loan_rate_cap_over_lpr_bp (LOAN-RATE)."""
    return lpr_bp + params.loan_rate_cap_over_lpr_bp


def check_rate(annual_rate_bp: int, lpr_bp: int, params: PolicyParameters) -> None:
    """Raises RateAboveCapError when the annual rate is above the cap (LOAN-RATE); the cap itself passes.

    A rate above the cap is rejected rather than capped: the loan would not be a startup guaranteed
    loan at all, and capping would misstate both the borrower's and the state's share.
    """
    cap = rate_cap_bp(lpr_bp, params)
    if annual_rate_bp > cap:
        raise RateAboveCapError(annual_rate_bp, lpr_bp, cap)


def interest_subsidy_fen(interest_fen: int, params: PolicyParameters) -> int:
    """Returns the state's share of an amount of interest, rounded half up to the fen."""
    return round_half_up(interest_fen * params.loan_interest_subsidy_share_bp, BASIS_POINTS)


def subsidy_schedule(terms: LoanTerms, *, lpr_bp: int, params: PolicyParameters) -> list[InterestPeriod]:
    """Returns the interest and subsidy of each period of a loan (001 §五(二)3).

    Periods end on the same day of each month (or quarter) after the start date, counted from the
    start date by the T-PERIOD day rule without a working-day shift (interest accrues on calendar
    days); the last period ends at maturity (start + term) and may be shorter for a quarterly
    schedule. Interest of a period = outstanding principal x annual rate x days / 360 (actual/360).

    Rounding: each period's interest is computed exactly (integer arithmetic on fen, basis points and
    days, i.e. an exact rational, which Decimal division by 360 would not be) and rounded half up to
    the fen once. The subsidy is cumulative: after each period, the subsidy paid so far is the share of
    all interest so far, rounded half up to the fen once, and the period's subsidy is the difference.
    So the schedule's total subsidy is exactly the share of its total interest rounded once, never
    drifting by a fen per period as rounding each period's half would (issue 16); the borrower pays
    the rest, so subsidy + borrower = interest in every period.

    With `repaid_on` (early repayment) the periods ending before it are kept as they are and one last
    period runs to it; the principal is repaid then.

    With equal_principal, each period repays principal // periods and the last one the remainder.
    The rate is checked against LPR + cap first (RateAboveCapError).
    """
    check_rate(terms.annual_rate_bp, lpr_bp, params)
    step = _MONTHS_PER_PERIOD[terms.frequency]
    ends = [add_months(terms.start_date, months) for months in range(step, terms.term_months, step)]
    ends.append(add_months(terms.start_date, terms.term_months))
    if terms.repaid_on is not None:
        if not terms.start_date < terms.repaid_on < ends[-1]:
            raise ValueError(f"repaid_on must be after the start {terms.start_date} and before maturity {ends[-1]}")
        ends = [end for end in ends if end < terms.repaid_on] + [terms.repaid_on]
    count = len(ends)
    equal_part = terms.principal_fen // count
    outstanding = terms.principal_fen
    periods: list[InterestPeriod] = []
    start = terms.start_date
    interest_so_far = subsidy_so_far = 0
    for number, end in enumerate(ends, start=1):
        days = (end - start).days
        interest = round_half_up(outstanding * terms.annual_rate_bp * days, BASIS_POINTS * DAY_COUNT_BASIS)
        interest_so_far += interest
        subsidy = interest_subsidy_fen(interest_so_far, params) - subsidy_so_far
        subsidy_so_far += subsidy
        if terms.repayment is Repayment.LUMP_SUM:
            repaid = outstanding if number == count else 0
        else:
            repaid = outstanding if number == count else equal_part
        periods.append(
            InterestPeriod(
                number=number,
                period_start=start,
                period_end=end,
                days=days,
                principal_outstanding_fen=outstanding,
                principal_repaid_fen=repaid,
                interest_fen=interest,
                subsidy_fen=subsidy,
                borrower_fen=interest - subsidy,
            )
        )
        outstanding -= repaid
        start = end
    return periods
