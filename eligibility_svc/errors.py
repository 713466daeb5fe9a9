"""What the eligibility evaluations refuse, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, RuleFailed


class InvalidEvaluationRequest(InvalidInput):
    """A body that parses but cannot be evaluated as given: values out of range or contradicting."""

    code = "request.invalid"
    title = "Invalid request"


class PolicyNotInForce(RuleFailed):
    """No policy parameters of the region are in force on the date asked about."""

    code = "policy.not_in_force"
    title = "No policy in force"


class RateAboveCap(RuleFailed):
    """LOAN-RATE: the loan's rate is above LPR plus the region's cap."""

    code = "startup_loan.rate_above_cap"
    title = "Rate above the cap"
