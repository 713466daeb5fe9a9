"""What deregistration refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import RuleFailed, StateConflict


class AlreadyDeregistered(StateConflict):
    """The registration was deregistered before."""

    code = "registration.already_deregistered"
    title = "Conflict"


class NotRegistered(StateConflict):
    """Only a registration in effect can be deregistered."""

    code = "registration.not_registered"
    title = "Conflict"


class DeregistrationNotAllowed(RuleFailed):
    """The deregistration fails a DEREG-* rule (effective date, income); violations name each."""

    code = "deregistration.invalid"
    title = "Deregistration not allowed"


class FollowupReasonNeedsOverride(RuleFailed):
    """unreachable and refused_services come from the follow-up rules, not from a caseworker's hand."""

    code = "deregistration.followup_reason"
    title = "Reason reserved to the follow-up rules"
