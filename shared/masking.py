"""Masking of identity numbers in responses (api.md: masked unless system role or audited unmask)."""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """Masks an identity number, keeping the first and last four characters (4402**********123X)."""
    n = len(id_number)
    if n >= 12:
        return id_number[:4] + "*" * (n - 8) + id_number[-4:]
    if n >= 4:
        return id_number[:1] + "*" * (n - 2) + id_number[-1:]
    return "*" * n
