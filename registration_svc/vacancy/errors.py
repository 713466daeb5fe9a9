"""What vacancy registration refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import RuleFailed, StateConflict


class UnfairHiring(RuleFailed):
    """JOB-FAIR-HIRING: the vacancy restricts gender, ethnicity or hukou; violations name the article."""

    code = "vacancy.fair_hiring"
    title = "Discriminatory requirement"


class VacancyInvalid(RuleFailed):
    """The vacancy form is inconsistent (positions, wage or age range, validity, credit code, region)."""

    code = "vacancy.invalid"
    title = "Invalid vacancy"


class VacancyNotPending(StateConflict):
    """Only a vacancy waiting for review can be reviewed (JOB-REVIEW)."""

    code = "vacancy.not_pending"
    title = "Conflict"


class VacancyClosed(StateConflict):
    """The vacancy is closed or rejected already; it cannot be closed again."""

    code = "vacancy.closed"
    title = "Conflict"
