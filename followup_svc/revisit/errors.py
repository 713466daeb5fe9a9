"""What recording a revisit refuses."""

from __future__ import annotations

from shared.errors import InvalidInput


class InvalidRevisit(InvalidInput):
    """A revisit dated after today, or an employer revisit of an employed person without its findings."""

    code = "followup.invalid_revisit"
    title = "Invalid revisit"
