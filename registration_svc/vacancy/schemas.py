"""Request and response bodies of vacancies (api.md "Registration service: job services")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.job_seeker.schemas import OccupationCode, ReviewDeadlineRead, Skill, WageFen
from registration_svc.registration.schemas import Education
from registration_svc.vacancy.models import CloseReason
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate, Flag, PhoneNumber
from shared.regions import RecordRegionCode

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A requirement on a forbidden ground is refused by JOB-FAIR-HIRING naming the article, so any short text
# is accepted here and judged there.
Requirement = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
# Labour Law art. 15: no one under 16 may be employed.
Age = Annotated[int, Field(ge=16, le=100)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmployerCreate(_Body):
    """The employer offering the vacancy."""

    name: Annotated[Name, Field(description="用人单位名称")]
    credit_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    region_code: RecordRegionCode
    contact_phone: PhoneNumber


class RequirementsCreate(_Body):
    """What the employer asks of applicants; gender, ethnicity and hukou may not be restricted."""

    education: Education | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    gender: Requirement | None = None
    ethnicity: Requirement | None = None
    hukou: Requirement | None = None
    skills: list[Skill] = Field(default_factory=list, max_length=30)


class VacancyCreate(_Body):
    """POST /api/v1/vacancies: the vacancy registration form (招聘登记)."""

    employer: EmployerCreate
    title: Name
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None
    occupation_code: OccupationCode
    # Out-of-range counts and upside-down ranges are refused by the JOB-* rules, not by the schema.
    positions: Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
    region_code: RecordRegionCode
    monthly_wage_min_fen: WageFen
    monthly_wage_max_fen: WageFen
    full_time: Flag = True
    requirements: RequirementsCreate = Field(default_factory=RequirementsCreate)
    valid_until: BoundedDate


class VacancyCloseCreate(_Body):
    """POST …/close: the vacancy is filled, or the employer withdraws it."""

    reason: Literal["filled", "withdrawn"]


class EmployerRead(BaseModel):
    """The employer as registered on the vacancy."""

    name: Annotated[str, Field(description="用人单位名称")]
    credit_code: str
    region_code: str
    contact_phone: str


class RequirementsRead(BaseModel):
    """The requirements as registered."""

    education: str | None
    min_age: int | None
    max_age: int | None
    skills: list[str]


class VacancyRead(BaseModel):
    """A vacancy as the API returns it."""

    id: UUID
    status: ReviewStatus
    employer: EmployerRead
    title: str
    description: str | None
    occupation_code: str
    positions: int
    region_code: str
    monthly_wage_min_fen: int
    monthly_wage_max_fen: int
    full_time: bool
    requirements: RequirementsRead
    valid_until: date
    applied_on: date
    review_due: date
    review_deadline: ReviewDeadlineRead
    overdue: bool
    reviewed_on: date | None
    reviewed_by: str | None
    review_reason: str | None
    close_reason: CloseReason | None
    closed_on: date | None
    created_at: LocalDateTime


class OpenVacancyRead(BaseModel):
    """A published vacancy still valid, as the matching reads it (GET /api/v1/vacancies/open)."""

    id: UUID
    employer_name: str
    title: str
    occupation_code: str
    positions: int
    region_code: str
    monthly_wage_min_fen: int
    monthly_wage_max_fen: int
    full_time: bool
    education: str | None
    skills: list[str]
    valid_until: date
    published_on: date | None
    created_at: LocalDateTime
