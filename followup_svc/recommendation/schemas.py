"""Bodies and views of vacancy matching, recommendations and their outcomes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from followup_svc.recommendation.models import RecommendationResult
from shared.clients.registration import PublishedVacancy
from shared.clock import LocalDateTime


class RecommendationCreate(BaseModel):
    """Body of POST /persons/{person_id}/recommendations: which published vacancy, on which day."""

    model_config = ConfigDict(extra="forbid")

    vacancy_id: UUID
    recommended_on: date


class OutcomeCreate(BaseModel):
    """Body of POST /recommendations/{id}/outcome: what came of it, on which day, and for a decline whether
    the person had good reason."""

    model_config = ConfigDict(extra="forbid")

    result: RecommendationResult
    on: date
    declined_justified: bool = False


class DeregistrationAsked(BaseModel):
    """The deregistration an outcome requested of the registration service, with the rule and why."""

    reason: str
    effective_date: date
    rule: str
    reason_explained: str
    reason_explained_zh: str


class RecommendationRead(BaseModel):
    """A recommendation as the API shows it, with its outcome so far."""

    id: UUID
    person_id: UUID
    agency_region_code: str
    vacancy_id: UUID
    vacancy_title: str
    occupation_code: str
    vacancy_region_code: str
    recommended_on: date
    recommended_by: str
    service_id: UUID
    interviewed_on: date | None
    result: RecommendationResult | None
    result_on: date | None
    declined_justified: bool
    outcome_by: str | None
    deregistration_requested: DeregistrationAsked | None = None
    revisits_scheduled: int = 0
    created_at: LocalDateTime


class MatchReasonRead(BaseModel):
    """One factor of a match score: points out of the factor's maximum, and why."""

    factor: str
    points: int
    max_points: int
    reason: str
    reason_zh: str


class VacancyMatchRead(BaseModel):
    """A published vacancy ranked for the person: its score (0-100) and the reasons that make it up."""

    vacancy: PublishedVacancy
    score: int
    reasons: list[MatchReasonRead]


class VacancyMatches(BaseModel):
    """The published vacancies ranked for a person from their published job-seeker intentions."""

    person_id: UUID
    job_seeker_id: UUID
    region: str | None
    considered: int
    items: list[VacancyMatchRead]
    rule: str
    source: str
