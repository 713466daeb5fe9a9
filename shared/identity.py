"""The 18-character citizen identity number (GB 11643-1999) that every service reads the same way.

Region code (6 digits), birth date YYYYMMDD, a 3-digit sequence whose last digit is odd for men, and the
ISO 7064 MOD 11-2 check character. Each service wraps what is wrong with a number in its own rule
violation; the reading of the number itself lives here once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Final

EIGHTEEN_CHARACTERS: Final = re.compile(r"[0-9]{17}[0-9X]")
# GB/T 2260 province-level codes of the mainland (31 provinces, regions and municipalities).
MAINLAND_PROVINCES: Final = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
)
_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS: Final = "10X98765432"


class Gender(StrEnum):
    """Gender as recorded on the identity document."""

    MALE = "male"
    FEMALE = "female"


def normalize_id_number(id_number: str) -> str:
    """Returns the canonical form of an identity number, as the person registry keys it and as a citizen's
    token subject is matched against it: full-width characters folded, trimmed, upper case, and without the
    brackets a Taiwan permit is often written with ("1234567890(B)")."""
    folded = unicodedata.normalize("NFKC", id_number).strip().upper()
    return folded.replace("(", "").replace(")", "")


def check_character(first17: str) -> str:
    """Returns the ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999 §5)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def encoded_birth_date(number: str) -> date | None:
    """Returns the birth date in positions 7-14 of an 18-character number, or None if it is no real date."""
    digits = number[6:14]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def encoded_gender(number: str) -> Gender:
    """Returns the gender that digit 17 of an 18-character number encodes (odd for men)."""
    return Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
