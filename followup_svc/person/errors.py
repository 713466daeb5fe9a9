"""What the person lookup refuses."""

from __future__ import annotations

from shared.errors import NotFound


class UnknownPerson(NotFound):
    """No registration and no assistance of the person has reached the follow-up service."""

    code = "followup.person_unknown"
    title = "Person unknown"
