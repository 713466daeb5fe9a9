"""Codes are ASCII by construction (issue 15 §3): look-alike digits of other scripts never pass."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.codes import (
    AnyLevelRegionCode,
    CreditCode,
    IdentityNumber,
    OccupationCode,
    RecordRegionCode,
    RegionCode,
    ascii_pattern,
    credit_code_check,
    is_ascii_digits,
)
from shared.regions import is_region_code

FULL_WIDTH = "４４０２０３"  # U+FF14 ...: str.isdigit() and \d both take these
ARABIC_INDIC = "٤٤٠٢٠٣"
SUPERSCRIPT = "44020³"


class TestCodeTypes:
    @pytest.mark.parametrize(
        ("code_type", "good"),
        [
            (RegionCode, "440203"), (RecordRegionCode, "440203100"), (AnyLevelRegionCode, "440203100001"),
            (IdentityNumber, "11010519491231002X"), (OccupationCode, "4-01-02-03"),
            (CreditCode, "91350100M000100Y43"),
        ],
    )
    def test_ascii_codes_pass_and_every_look_alike_digit_fails(self, code_type: Any, good: str) -> None:
        adapter: TypeAdapter[str] = TypeAdapter(code_type)
        assert adapter.validate_python(good) == good
        for i, char in enumerate(good):
            if char.isdigit():
                for look_alike in (chr(0xFF10 + int(char)), chr(0x0660 + int(char)), chr(0x1D7CE + int(char))):
                    with pytest.raises(ValidationError):
                        adapter.validate_python(good[:i] + look_alike + good[i + 1:])

    def test_a_credit_code_with_a_wrong_check_character_fails(self) -> None:
        assert credit_code_check("91350100M000100Y4") == "3"
        with pytest.raises(ValidationError, match="GB 32100"):
            TypeAdapter(CreditCode).validate_python("91350100M000100Y44")
        with pytest.raises(ValidationError):  # I, O, S, V, Z are not in the code's alphabet
            TypeAdapter(CreditCode).validate_python("91350100M0001O0Y43")

    def test_the_shape_checks_are_ascii_too(self) -> None:
        for code in (FULL_WIDTH, ARABIC_INDIC, SUPERSCRIPT):
            assert code.isdigit() or code[:5].isdigit()
            assert not is_region_code(code)
            assert not is_ascii_digits(code)
        assert is_ascii_digits("440203100", 9) and not is_ascii_digits("44020310", 9)

    def test_a_pattern_spelling_backslash_d_is_refused_where_a_code_type_is_defined(self) -> None:
        with pytest.raises(ValueError, match=r"\[0-9\]"):
            ascii_pattern(r"^\d{6}$")
