"""What the list endpoints refuse."""

from __future__ import annotations

from shared.errors import NotFound


class NoList(NotFound):
    """Neither the region nor any region above it has a list of the kind (or the version asked for)."""

    code = "followup.list_not_found"
    title = "List not found"
