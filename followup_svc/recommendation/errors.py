"""What recommending a vacancy and recording its outcome refuse."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound, StateConflict


class VacancyNotPublished(StateConflict):
    """The vacancy is pending review, rejected, closed or past its validity (JOB-RECOMMEND)."""

    code = "vacancy.not_published"
    title = "Vacancy not published"


class VacancyUnknown(NotFound):
    """The registration service has no such vacancy."""

    code = "vacancy.not_found"
    title = "Vacancy not found"


class AlreadyRecommended(StateConflict):
    """The vacancy was recommended to the person before (JOB-RECOMMEND)."""

    code = "recommendation.duplicate"
    title = "Vacancy already recommended"


class InvalidRecommendation(InvalidInput):
    """A recommendation dated after today (JOB-RECOMMEND)."""

    code = "recommendation.invalid"
    title = "Invalid recommendation"


class InvalidOutcome(InvalidInput):
    """An outcome dated outside the recommendation's span, or a good reason without a decline (JOB-OUTCOME)."""

    code = "recommendation.invalid_outcome"
    title = "Invalid outcome"


class OutcomeRecorded(StateConflict):
    """The recommendation already has its final outcome, or the interview was recorded (JOB-OUTCOME)."""

    code = "recommendation.outcome_recorded"
    title = "Outcome already recorded"


class JobSeekerNotPublished(StateConflict):
    """Matching needs the person's published job-seeker registration (intentions and skills; JOB-REVIEW)."""

    code = "job_seeker.not_published"
    title = "Job seeker not published"
