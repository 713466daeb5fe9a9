"""What the notification use cases refuse, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import StateConflict


class NotDeadLettered(StateConflict):
    """Only a notification the sender gave up (dead letter) can be retried by staff."""

    code = "notification.not_dead_lettered"
    title = "Conflict"
