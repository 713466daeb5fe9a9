"""What first contacts refuse, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, StateConflict


class FirstContactNotOpen(StateConflict):
    """The task is done or cancelled; it cannot be completed again."""

    code = "followup.first_contact_not_open"
    title = "Conflict"


class InvalidContactDate(InvalidInput):
    """The contact date lies before the registration or after today (FU-CONTACT)."""

    code = "followup.invalid_contact_date"
    title = "Invalid contact date"
