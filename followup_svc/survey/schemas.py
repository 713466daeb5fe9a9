"""Bodies of the survey endpoint (摸底调查) and its classification."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from followup_svc.survey.models import Classification
from shared.inputs import Flag

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class EmploymentHistoryEntry(BaseModel):
    """One past job (就业经历)."""

    model_config = ConfigDict(extra="forbid")

    employer: Short
    occupation: Short
    years: float = Field(ge=0, le=60)


class SurveyPut(BaseModel):
    """Body of PUT /persons/{person_id}/survey: the baseline survey as the caseworker recorded it."""

    model_config = ConfigDict(extra="forbid")

    employment_history: list[EmploymentHistoryEntry] = Field(default_factory=list, max_length=50)
    unemployment_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
    education: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
    skills: list[Short] = Field(default_factory=list, max_length=50)
    health: Literal["healthy", "chronic_illness", "disabled"]
    disability: Annotated[str, StringConstraints(max_length=200)] | None = None
    wants_training: Flag
    wants_entrepreneurship: Flag
    wants_work_now: Flag


class SurveyRead(BaseModel):
    """The class a survey gave (FU-CLASSIFY), why, the package due and which of it is still to give."""

    person_id: str
    classification: Classification
    reason: str
    reason_zh: str
    package: list[str]
    outstanding: list[str]
    rule: Literal["FU-CLASSIFY"] = "FU-CLASSIFY"
    source: str
    surveyed_by: str
