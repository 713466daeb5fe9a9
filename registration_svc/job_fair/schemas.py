"""Request and response bodies of job fairs."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from registration_svc.job_fair.models import FairKind, InvitationResponse
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate
from shared.regions import RecordRegionCode


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobFairCreate(_Body):
    """POST /api/v1/job-fairs: a fair for unemployed persons (专场招聘)."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        Field(description="招聘会名称"),
    ]
    kind: FairKind
    held_on: BoundedDate
    ends_on: BoundedDate | None = None
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    agency_region_code: RecordRegionCode
    vacancy_ids: list[UUID] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> JobFairCreate:
        if self.ends_on is not None and self.ends_on < self.held_on:
            raise ValueError("ends_on is before held_on")
        return self


class FairVacanciesCreate(_Body):
    """POST …/vacancies: published vacancies to offer at the fair."""

    vacancy_ids: list[UUID] = Field(min_length=1, max_length=500)


class InvitationsCreate(_Body):
    """POST …/invitations: persons of the registry invited to the fair."""

    person_ids: list[UUID] = Field(min_length=1, max_length=1000)


class InvitationUpdate(_Body):
    """PUT …/invitations/{person_id}: what became of the invitation."""

    response: InvitationResponse


class FairVacancyRead(BaseModel):
    """A vacancy offered at a fair."""

    id: UUID
    title: str
    employer_name: str
    occupation_code: str
    positions: int
    status: str


class InvitationRead(BaseModel):
    """A person invited to a fair."""

    person_id: UUID
    name: str
    invited_on: date
    response: InvitationResponse


class JobFairRead(BaseModel):
    """A fair with its vacancies; its invitations only for staff of its region and systems."""

    id: UUID
    name: Annotated[str, Field(description="招聘会名称")]
    kind: FairKind
    held_on: date
    ends_on: date
    place: str
    agency_region_code: str
    vacancies: list[FairVacancyRead]
    invited: int
    invitations: list[InvitationRead] | None
    created_at: LocalDateTime


class JobFairSummary(BaseModel):
    """A fair in a list."""

    id: UUID
    name: Annotated[str, Field(description="招聘会名称")]
    kind: FairKind
    held_on: date
    ends_on: date
    place: str
    agency_region_code: str
