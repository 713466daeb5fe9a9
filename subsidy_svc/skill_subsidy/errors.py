"""What the skill-subsidy preview refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, RuleFailed


class InvalidSkillSubsidyRequest(InvalidInput):
    """The request's dates or fields are inconsistent; violations name each."""

    code = "skill_subsidy.invalid_request"
    title = "Invalid skill-subsidy request"


class PolicyNotInForce(RuleFailed):
    """No policy parameters of the region are in force on the application date."""

    code = "policy.not_in_force"
    title = "No policy in force"
