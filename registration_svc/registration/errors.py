"""What unemployment registration refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, RuleFailed, StateConflict


class RegistrationIneligible(RuleFailed):
    """The application fails one or more REG-* rules; violations name each."""

    code = "registration.ineligible"
    title = "Not eligible for unemployment registration"


class PolicyNotInForce(RuleFailed):
    """No policy parameters of the agency's region are in force on the application date."""

    code = "registration.policy_not_in_force"
    title = "No policy in force"


class ApplicationInFuture(InvalidInput):
    """The application is dated after now (beyond the allowed clock skew)."""

    code = "request.invalid"
    title = "Invalid request"


class DuplicateRegistration(StateConflict):
    """REG-DUPLICATE: the person already has a valid registration."""

    code = "registration.duplicate"
    title = "Conflict"


class RegistrationNotRejected(StateConflict):
    """Only a rejected registration has a rejection letter."""

    code = "registration.not_rejected"
    title = "Conflict"


class RegistrationNotPending(StateConflict):
    """Only a pending registration can be decided."""

    code = "registration.not_pending"
    title = "Conflict"
