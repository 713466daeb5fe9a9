"""What claims refuse, by kind; each names its rule (SUB-*) in its violations."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound, RuleFailed, StateConflict


class ClaimRuleFailed(RuleFailed):
    """A rule of the skill subsidy refuses the claim or the step (SUB-WINDOW, SUB-CATALOGUE, SUB-ACCOUNT ...)."""

    code = "skill_subsidy.rule_failed"
    title = "Skill-subsidy rule not met"


class InvalidClaimInput(InvalidInput):
    """A date or field of the request is impossible (in the future, out of order)."""

    code = "skill_subsidy.invalid_request"
    title = "Invalid skill-subsidy request"


class DuplicateClaim(StateConflict):
    """The certificate already has a claim that was not rejected (SUB-DUPLICATE)."""

    code = "skill_subsidy.duplicate"
    title = "Certificate already claimed"


class ClaimStateConflict(StateConflict):
    """The claim is not in the state the step needs (already reviewed, not on notice, already batched)."""

    code = "skill_subsidy.state_conflict"
    title = "Claim not in a state for this step"


class ClaimNotFound(NotFound):
    """No claim or objection of that id in the caller's scope."""

    code = "skill_subsidy.not_found"
    title = "Claim not found"
