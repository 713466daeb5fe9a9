"""How numbers, money, rates and dates are written in the texts people read (Chinese first)."""

from __future__ import annotations

from datetime import date

FEN_PER_YUAN = 100
BASIS_POINTS_PER_PERCENT = 100


def ordinal(number: int) -> str:
    """Returns an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 61st, 112th."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def date_zh(day: date) -> str:
    """Returns a date as Chinese text writes it: 2026年11月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_zh(month: date) -> str:
    """Returns a month as Chinese text writes it: 2026年11月."""
    return f"{month.year}年{month.month}月"


def yuan(fen: int) -> str:
    """Returns an amount of fen as yuan with two decimals and thousands separators: 1,000.00元."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}元"


def yuan_en(fen: int) -> str:
    """Returns an amount of fen as yuan for English text: 1,000.00 yuan."""
    return yuan(fen).removesuffix("元") + " yuan"


def percent(basis_points: int) -> str:
    """Returns a rate in basis points as a percentage with two decimals: 350 -> 3.50%."""
    sign = "-" if basis_points < 0 else ""
    whole, rest = divmod(abs(basis_points), BASIS_POINTS_PER_PERCENT)
    return f"{sign}{whole}.{rest:02d}%"


def percentage_points(basis_points: int) -> str:
    """Returns a difference of rates in basis points as percentage points: 50 -> 0.50 个百分点."""
    return percent(basis_points).removesuffix("%") + " 个百分点"
