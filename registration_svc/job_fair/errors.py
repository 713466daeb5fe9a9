"""What job fairs refuse, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, StateConflict


class JobFairInvalid(InvalidInput):
    """The fair's dates or region, or a person invited, are not acceptable."""

    code = "job_fair.invalid"
    title = "Invalid job fair"


class VacancyNotPublished(StateConflict):
    """Only a published vacancy can be offered at a fair (JOB-REVIEW)."""

    code = "vacancy.not_published"
    title = "Conflict"
