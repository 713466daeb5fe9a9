"""Codes that are ASCII by construction: region codes, identity numbers, credit codes, occupation codes.

`\\d` in a pattern matches every Unicode decimal digit, so "４４０２０３" (full-width) or "٤٤٠٢٠٣" (Arabic-Indic)
passed as a region code, was stored as written and then matched no region prefix: nobody could see the
record while it blocked the person's real registration. Every code type here spells its digits [0-9] and
refuses any non-ASCII character before the pattern is applied; schemas use these types, never their own.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AfterValidator, BeforeValidator, StringConstraints

DIGITS: Final = "0123456789"


def _ascii_only(value: object) -> object:
    if isinstance(value, str) and not value.isascii():
        raise ValueError("must be written in ASCII characters only (half-width digits 0-9, letters A-Z)")
    return value


# First in every code type: refuses any non-ASCII character before the pattern is applied.
ASCII_ONLY: Final = BeforeValidator(_ascii_only)


def ascii_pattern(pattern: str) -> StringConstraints:
    """Returns the pattern constraint of a code type, refusing a pattern that spells digits \\d or \\w."""
    if r"\d" in pattern or r"\w" in pattern:
        raise ValueError(f"{pattern!r}: spell digits [0-9] (\\d and \\w match any script's digits)")
    return StringConstraints(pattern=pattern)


def is_ascii_digits(value: str, length: int | None = None) -> bool:
    """Tells whether a string is only the digits 0-9 (str.isdigit() also takes "４" and "²"), of a length."""
    return bool(value) and value.isascii() and value.isdigit() and (length is None or len(value) == length)


# 2 (province), 4 (city), 6 (province, city or county) or 9 (town) digits.
REGION_PATTERN: Final = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$"
# A region code as the API takes it for a scope (token claim, query filter): any level.
RegionCode = Annotated[str, ASCII_ONLY, ascii_pattern(REGION_PATTERN)]
# The region of a record (an agency, a household, a residence): a county or a town, in 6 or 9 digits; a
# city- or province-level agency writes its 6-digit form (440200).
RECORD_REGION_PATTERN: Final = r"^[0-9]{6}([0-9]{3})?$"
RecordRegionCode = Annotated[str, ASCII_ONLY, ascii_pattern(RECORD_REGION_PATTERN)]
# Policy scopes and evaluations also take village codes (12 digits).
ANY_LEVEL_REGION_PATTERN: Final = r"^[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{3}(?:[0-9]{3})?)?)?)?$"
AnyLevelRegionCode = Annotated[str, ASCII_ONLY, ascii_pattern(ANY_LEVEL_REGION_PATTERN)]
# A province's two digits.
ProvinceCode = Annotated[str, ASCII_ONLY, ascii_pattern(r"^[0-9]{2}$")]

# A citizen identity number once normalised (NFKC, trimmed, upper case): 17 digits and a digit or X.
IDENTITY_NUMBER_PATTERN: Final = r"^[0-9]{17}[0-9X]$"
IdentityNumber = Annotated[str, ASCII_ONLY, ascii_pattern(IDENTITY_NUMBER_PATTERN)]

# Occupation codes of the national occupational classification (职业分类大典): 4-01-02-03.
OCCUPATION_PATTERN: Final = r"^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"
OCCUPATION_CODE: Final = re.compile(OCCUPATION_PATTERN, re.ASCII)
OccupationCode = Annotated[str, ASCII_ONLY, ascii_pattern(OCCUPATION_PATTERN)]

# The unified social credit code of an employer (GB 32100-2015): 18 characters of 0-9 and the capital
# letters without I, O, Z, S, V, the last a check character (modulus 31).
_CREDIT_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_PATTERN: Final = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"


def credit_code_check(first17: str) -> str:
    """Returns the check character of the first 17 characters of a unified social credit code."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def _credit_check(value: str) -> str:
    if credit_code_check(value[:17]) != value[17]:
        raise ValueError("the check character of the unified social credit code does not match (GB 32100-2015)")
    return value


CreditCode = Annotated[str, ASCII_ONLY, ascii_pattern(CREDIT_CODE_PATTERN), AfterValidator(_credit_check)]
