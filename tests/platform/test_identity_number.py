"""shared.identity: the reading of an 18-character citizen identity number that both services share."""

from __future__ import annotations

from datetime import date

import pytest

from shared.identity import EIGHTEEN_CHARACTERS, Gender, check_character, encoded_birth_date, encoded_gender

# The worked example of GB 11643-1999 (Annex A): 11010519491231002 has check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_example_has_its_check_character() -> None:
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"
    assert EIGHTEEN_CHARACTERS.fullmatch(STANDARD_EXAMPLE)


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002XX", "1101051949123100x2"])
def test_only_seventeen_digits_and_a_digit_or_x_are_eighteen_characters(number: str) -> None:
    assert EIGHTEEN_CHARACTERS.fullmatch(number) is None


def test_birth_date_and_gender_come_from_their_positions() -> None:
    assert encoded_birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    # Digit 17 is 2: even, a woman.
    assert encoded_gender(STANDARD_EXAMPLE) is Gender.FEMALE
    assert encoded_gender("44020319850304001" + check_character("44020319850304001")) is Gender.MALE


@pytest.mark.parametrize("digits", ["19490231", "20230229", "19491300", "00000000"])
def test_a_date_that_does_not_exist_is_none(digits: str) -> None:
    first17 = f"440203{digits}001"
    assert encoded_birth_date(first17 + check_character(first17)) is None
