"""HTTP endpoints of vacancy matching, job recommendations and their outcomes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from followup_svc.recommendation import service
from followup_svc.recommendation.schemas import OutcomeCreate, RecommendationCreate, RecommendationRead, VacancyMatches
from shared import audit
from shared.auth import Principal, Role, require_roles
from shared.clients.registration import RegistrationClient
from shared.clock import ClockDep
from shared.db import SessionDep
from shared.idempotency import Idempotent
from shared.pagination import Page, PageRequestDep

router = APIRouter(tags=["job recommendations"])

StaffReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
Recommender = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


def registration_client(request: Request) -> RegistrationClient:
    """Returns the registration service's client the app made in its lifespan."""
    client: RegistrationClient = request.app.state.registration_client
    return client


Registration = Annotated[RegistrationClient, Depends(registration_client)]


@router.get("/persons/{person_id}/vacancy-matches", response_model=VacancyMatches)
async def vacancy_matches(
    request: Request, session: SessionDep, principal: StaffReader, client: Registration, person_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> VacancyMatches:
    """Ranks the published vacancies for a person by their published job-seeker intentions (503 naming the
    registration service when it is down)."""
    return await service.vacancy_matches(session, principal, person_id, client, limit, request.app.state.policy)


@router.post("/persons/{person_id}/recommendations", response_model=RecommendationRead, status_code=201,
             dependencies=[Idempotent])
async def recommend(
    request: Request, session: SessionDep, principal: Recommender, client: Registration, clock: ClockDep,
    person_id: uuid.UUID, body: RecommendationCreate,
) -> RecommendationRead:
    """Recommends a published vacancy to a person (also a job_recommendation service); 409
    vacancy.not_published otherwise."""
    read = await service.recommend(session, principal, person_id, body, client, clock.today(),
                                   request.app.state.policy)
    await audit.record(
        session, request.app.state.platform.audit_log, principal, "recommendation.create", "job_recommendation",
        str(read.id), request=request,
        details={"person_id": str(person_id), "vacancy_id": str(body.vacancy_id),
                 "recommended_on": body.recommended_on.isoformat()},
    )
    return read


@router.get("/persons/{person_id}/recommendations", response_model=Page[RecommendationRead])
async def list_recommendations(
    session: SessionDep, principal: StaffReader, page: PageRequestDep, person_id: uuid.UUID
) -> Page[RecommendationRead]:
    """Lists the person's recommendations in the order made, with their outcomes (keyset pages)."""
    return await service.list_recommendations(session, principal, person_id, page)


@router.post("/recommendations/{recommendation_id}/outcome", response_model=RecommendationRead,
             dependencies=[Idempotent])
async def record_outcome(
    request: Request, session: SessionDep, principal: Recommender, clock: ClockDep, recommendation_id: uuid.UUID,
    body: OutcomeCreate,
) -> RecommendationRead:
    """Records what came of a recommendation: hired requests the deregistration hired; a decline without good
    reason counts toward FU-REFUSAL."""
    env = service.OutcomeEnv(request.app.state.policy, request.app.state.calendar_holder.calendar, clock.today(),
                             clock.now())
    read = await service.record_outcome(session, principal, recommendation_id, body, env)
    await audit.record(
        session, request.app.state.platform.audit_log, principal, "recommendation.outcome", "job_recommendation",
        str(recommendation_id), request=request,
        details={"result": body.result.value, "on": body.on.isoformat(),
                 "declined_justified": body.declined_justified},
    )
    return read
