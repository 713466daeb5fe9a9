"""What the person registry refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import RuleFailed


class InvalidIdentity(RuleFailed):
    """The identity number fails REG-ID (check character, encoded birth date, the given birth date or
    gender contradicting it); violations name each."""

    code = "person.invalid_identity"
    title = "Invalid identity"
