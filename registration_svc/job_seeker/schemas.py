"""Request and response bodies of job-seeker registration (api.md "Registration service: job services")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.person.schemas import PersonNote
from registration_svc.registration.schemas import Education, PersonCreate
from shared.clock import LocalDateTime
from shared.codes import ASCII_ONLY, ascii_pattern
from shared.inputs import Fen, Flag
from shared.regions import RecordRegionCode

# An occupation of the national classification (职业分类大典): major group down to occupation, e.g.
# 4-02-01-01; a shorter code names the whole group.
# ASCII digits only (shared.codes).
OccupationCode = Annotated[
    str, ASCII_ONLY, StringConstraints(strip_whitespace=True), ascii_pattern(r"^[1-8](-[0-9]{2}){0,3}$")
]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
# A monthly wage in fen up to 10 million yuan: beyond it a figure is a typing slip, not a wage.
WageFen = Annotated[Fen, Field(le=1_000_000_000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntentionsCreate(_Body):
    """What work the person looks for (求职意愿)."""

    occupation_codes: list[OccupationCode] = Field(min_length=1, max_length=20)
    region_codes: list[RecordRegionCode] = Field(default_factory=list, max_length=20)
    min_monthly_wage_fen: WageFen | None = None
    full_time: Flag | None = None


class JobSeekerCreate(_Body):
    """POST /api/v1/job-seekers: the job-seeker registration form (求职登记)."""

    person: PersonCreate
    agency_region_code: RecordRegionCode
    intentions: IntentionsCreate
    skills: list[Skill] = Field(default_factory=list, max_length=50)
    education: Education | None = None
    experience_years: Annotated[int, Field(ge=0, le=60)] | None = None


class ReviewCreate(_Body):
    """POST …/review: publish, or reject with the reason the person is told (JOB-REVIEW)."""

    decision: Literal["publish", "reject"]
    reason: Reason | None = None

    @model_validator(mode="after")
    def _reject_needs_reason(self) -> ReviewCreate:
        if self.decision == "reject" and self.reason is None:
            raise ValueError("a rejection needs a reason")
        return self


class IntentionsRead(BaseModel):
    """The person's intentions as registered."""

    occupation_codes: list[str]
    region_codes: list[str]
    min_monthly_wage_fen: int | None
    full_time: bool | None


class ReviewDeadlineRead(BaseModel):
    """JOB-REVIEW explanation of review_due, and of a review made late."""

    rule: Literal["JOB-REVIEW"] = "JOB-REVIEW"
    workdays: int
    source: str
    estimated: bool
    reason: str
    reason_zh: str


class JobSeekerRead(BaseModel):
    """A job-seeker registration as the API returns it."""

    id: UUID
    person_id: UUID
    name: str
    id_number: str
    status: ReviewStatus
    agency_region_code: str
    intentions: IntentionsRead
    skills: list[str]
    education: str | None
    experience_years: int | None
    applied_on: date
    review_due: date
    review_deadline: ReviewDeadlineRead
    overdue: bool
    reviewed_on: date | None
    reviewed_by: str | None
    review_reason: str | None
    person_notes: list[PersonNote] = Field(default_factory=list)
    created_at: LocalDateTime
