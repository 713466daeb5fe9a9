"""GB 32100 unified social credit codes: the check character, the alphabet, the region part."""

from __future__ import annotations

import pytest

from shared.credit_code import check_character, is_credit_code, normalize_credit_code

# Codes printed on real business licences (the standard's own example first).
REAL_CODES = ("91350100M000100Y43", "91440300708461136T", "91110000802100433B", "914403001922038216")


class TestCheckCharacter:
    @pytest.mark.parametrize("code", REAL_CODES)
    def test_real_codes_pass(self, code: str) -> None:
        assert is_credit_code(code)
        assert check_character(code[:17]) == code[17]

    @pytest.mark.parametrize("code", REAL_CODES)
    def test_every_other_check_character_fails(self, code: str) -> None:
        others = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[17]]
        assert len(others) == 30
        assert not any(is_credit_code(code[:17] + c) for c in others)

    def test_a_changed_character_fails(self) -> None:
        assert not is_credit_code("91350100M000101Y43")
        # Two neighbours swapped (weights differ): a typing slip the check character catches.
        assert not is_credit_code("93150100M000100Y43")

    def test_a_remainder_of_zero_gives_check_character_zero(self) -> None:
        # Weighted sum 0 mod 31 -> check 0, not 31 (GB 32100 §5.2: 31 - 0 is written 0).
        assert check_character("00000000000000000") == "0"
        assert is_credit_code("000000000000000000")


class TestShape:
    @pytest.mark.parametrize(
        "code",
        ["", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43", "91350100M000100O43",
         "9135A100M000100Y43", "91350100M000100Y4-", "９1350100M000100Y43"],
    )
    def test_malformed_codes_fail(self, code: str) -> None:
        # Too short, too long, I/O (not in the alphabet), a letter in the region part, punctuation, a
        # full-width digit.
        assert not is_credit_code(code)

    def test_lower_case_and_blanks_are_normalized(self) -> None:
        assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
        assert is_credit_code(" 91350100m000100y43 ")
