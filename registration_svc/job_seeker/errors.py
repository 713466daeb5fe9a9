"""What job-seeker registration refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, StateConflict


class JobSeekerInvalid(InvalidInput):
    """A region code of the form names no real division (T-REGION)."""

    code = "job_seeker.invalid"
    title = "Invalid job-seeker registration"


class JobSeekerDuplicate(StateConflict):
    """The person already has a job-seeker registration waiting for review or published."""

    code = "job_seeker.duplicate"
    title = "Conflict"


class JobSeekerNotPending(StateConflict):
    """Only a registration waiting for review can be reviewed (JOB-REVIEW)."""

    code = "job_seeker.not_pending"
    title = "Conflict"
