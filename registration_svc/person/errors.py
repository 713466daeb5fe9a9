"""What the person registry refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, RuleFailed


class InvalidIdentity(RuleFailed):
    """The identity number fails REG-ID (check character, encoded birth date, the given birth date or
    gender contradicting it); violations name each."""

    code = "person.invalid_identity"
    title = "Invalid identity"


class UnknownRegion(InvalidInput):
    """A household or residence code names no real division (T-REGION)."""

    code = "person.unknown_region"
    title = "Unknown region"
