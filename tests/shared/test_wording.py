"""Tests of how numbers, money, rates and dates are written in texts people read."""

from __future__ import annotations

from datetime import date

import pytest

from shared.wording import date_zh, ordinal, percent, percentage_points, yuan, yuan_en


class TestOrdinal:
    @pytest.mark.parametrize(
        ("number", "text"),
        [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
         (21, "21st"), (56, "56th"), (61, "61st"), (62, "62nd"), (63, "63rd"), (111, "111th"), (112, "112th")],
    )
    def test_suffixes(self, number: int, text: str) -> None:
        assert ordinal(number) == text


class TestChineseForms:
    def test_date(self) -> None:
        assert date_zh(date(2026, 11, 30)) == "2026年11月30日"
        assert date_zh(date(2026, 2, 3)) == "2026年2月3日"

    @pytest.mark.parametrize(
        ("fen", "text"), [(0, "0.00元"), (5, "0.05元"), (100000, "1,000.00元"), (30000000, "300,000.00元"),
                          (-1234, "-12.34元")],
    )
    def test_money_in_yuan_with_two_decimals(self, fen: int, text: str) -> None:
        assert yuan(fen) == text
        assert yuan_en(fen) == text.removesuffix("元") + " yuan"

    def test_rates(self) -> None:
        assert percent(350) == "3.50%"
        assert percent(5) == "0.05%"
        assert percent(5000) == "50.00%"
        assert percentage_points(50) == "0.50 个百分点"
