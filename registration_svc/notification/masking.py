"""Masking of phone numbers (13812345678 → 138****5678) and of personal numbers in free text."""

from __future__ import annotations

import re

from shared.masking import mask_id_number

# An 18-character identity number (17 digits and a check character) or an old 15-digit one; a mainland
# mobile number (11 digits starting with 1). Digit runs that are part of longer ones are left alone.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1\d{10})(?!\d)")


def mask_phone(phone: str) -> str:
    """Masks a phone number, keeping the first three and last four digits of an 11-digit mobile."""
    n = len(phone)
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    if n >= 7:
        return phone[:2] + "*" * (n - 4) + phone[-2:]
    return "*" * n


def mask_address(address: str) -> str:
    """Masks a postal address after its first six characters (the province, city or county it names):
    "韶关市武江区沿江路1号" -> "韶关市武江区****"."""
    return address[:6] + "****" if len(address) > 6 else "****"


def scrub(text: str, phone: str | None = None) -> str:
    """Returns text fit for a log line or an error field: identity numbers and mobile numbers masked, and
    the notification's own phone number however it is written."""
    if phone:
        text = text.replace(phone, mask_phone(phone))
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(1)), text)
