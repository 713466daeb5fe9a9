"""Masking of identity and phone numbers in responses (api.md: masked unless system role or audited unmask)."""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """Masks an identity number, keeping the first and last four characters (4402**********123X)."""
    n = len(id_number)
    if n >= 12:
        return id_number[:4] + "*" * (n - 8) + id_number[-4:]
    if n >= 4:
        return id_number[:1] + "*" * (n - 2) + id_number[-1:]
    return "*" * n


def mask_phone(phone: str) -> str:
    """Masks a phone number, keeping the first three and last four digits of an 11-digit mobile
    (138****5678), the first two and last two of a shorter one."""
    n = len(phone)
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    if n >= 7:
        return phone[:2] + "*" * (n - 4) + phone[-2:]
    return "*" * n
