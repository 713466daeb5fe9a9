"""Masking of phone numbers in responses (13812345678 → 138****5678)."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """Masks a phone number, keeping the first three and last four digits of an 11-digit mobile."""
    n = len(phone)
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    if n >= 7:
        return phone[:2] + "*" * (n - 4) + phone[-2:]
    return "*" * n
