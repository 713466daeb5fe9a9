"""What recording a service refuses."""

from __future__ import annotations

from shared.errors import InvalidInput, StateConflict


class InvalidServiceDate(InvalidInput):
    """A service dated after today."""

    code = "followup.invalid_service_date"
    title = "Invalid service date"


class ListNotPublished(StateConflict):
    """A list was to be given but the person's region has none of that kind yet."""

    code = "followup.list_not_published"
    title = "List not published"
