"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the identity of an employer."""

from __future__ import annotations

from typing import Final

from shared.codes import is_ascii_digits

# GB 32100-2015 §4: 31 characters, the digits and the capitals without I, O, Z, S and V.
ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES: Final = {char: value for value, char in enumerate(ALPHABET)}
# GB 32100-2015 §5.2: weight of position i (1-based) is 3^(i-1) mod 31.
_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))


def normalize_credit_code(code: str) -> str:
    """Returns a credit code without surrounding blanks, in capitals (as printed on the licence)."""
    return code.strip().upper()


def check_character(first17: str) -> str:
    """Returns the GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """Tells whether `code` is a well-formed unified social credit code: 18 characters of the GB 32100
    alphabet, a 6-digit region code in positions 3-8, and the right check character."""
    code = normalize_credit_code(code)
    # ASCII only (shared.codes): "\\d" would take full-width digits a region prefix never matches.
    return (
        len(code) == 18 and code.isascii() and all(c in ALPHABET for c in code)
        and is_ascii_digits(code[2:8], 6) and check_character(code[:17]) == code[17]
    )
