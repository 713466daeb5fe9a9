"""What the survey endpoints refuse."""

from __future__ import annotations

from shared.errors import NotFound


class NoSurvey(NotFound):
    """The person has no baseline survey yet."""

    code = "followup.survey_not_found"
    title = "No survey"
