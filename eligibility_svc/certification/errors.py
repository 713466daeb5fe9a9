"""What the certification workflow refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import AccessDenied, InvalidInput, NotFound, RuleFailed, StateConflict


class DuplicateApplication(StateConflict):
    """DIFF-DUPLICATE: the person has an open application or an active certification."""

    code = "difficulty.duplicate"
    title = "Duplicate application"


class StepOutOfOrder(StateConflict):
    """The application is not in the state the step needs (reviewing twice, deciding before the review)."""

    code = "difficulty.step_out_of_order"
    title = "Step out of order"


class NoticeRunning(StateConflict):
    """DIFF-NOTICE: a decision during the notice, or an objection outside its window."""

    code = "difficulty.notice"
    title = "Public notice"


class Ineligible(RuleFailed):
    """DIFF-REVIEW: the person fails a base rule or meets no category and cannot be certified."""

    code = "difficulty.ineligible"
    title = "Not eligible for certification"


class RereviewTooLate(RuleFailed):
    """DIFF-REREVIEW-WINDOW: the re-review was asked for after the window."""

    code = "difficulty.rereview_window"
    title = "Re-review window closed"


class InvalidStep(InvalidInput):
    """The body of a step is not acceptable as given (a date before the previous step, a missing tier)."""

    code = "difficulty.invalid_step"
    title = "Invalid step"


class ReviewerLevel(AccessDenied):
    """DIFF-REVIEW: only a reviewer of the county or above certifies."""

    code = "difficulty.reviewer_level"
    title = "Reviewer of the county or above required"


class CertificationEnded(StateConflict):
    """DIFF-EXIT: the certification has already ended."""

    code = "difficulty.certification_ended"
    title = "Certification ended"


class ReviewDone(StateConflict):
    """DIFF-QUARTERLY: the review item has a result already."""

    code = "difficulty.review_done"
    title = "Review already reported"


class UnknownQuarter(NotFound):
    """A quarter that is not `YYYY-Qn`."""

    code = "difficulty.unknown_quarter"
    title = "Unknown quarter"
