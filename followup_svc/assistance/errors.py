"""What tier changes refuse."""

from __future__ import annotations

from shared.errors import InvalidInput, StateConflict


class TierReasonRequired(InvalidInput):
    """A caseworker's tier change must say why (FU-TIER)."""

    code = "followup.tier_reason_required"
    title = "Reason required"


class TierNotSettable(InvalidInput):
    """Tier I is set by a difficulty application, not by hand (FU-TIER)."""

    code = "followup.tier_not_settable"
    title = "Tier not settable"


class TierChangeNotAllowed(StateConflict):
    """Tiers II and III are for certified persons with active assistance (FU-TIER)."""

    code = "followup.tier_change_not_allowed"
    title = "Tier change not allowed"
