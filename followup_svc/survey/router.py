"""HTTP endpoints of the baseline survey and its classification (FU-CLASSIFY)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from followup_svc.survey import service
from followup_svc.survey.schemas import SurveyPut, SurveyRead
from shared import audit
from shared.auth import Principal, Role, require_roles
from shared.db import SessionDep
from shared.platform_tables import PlatformTables

router = APIRouter(prefix="/persons/{person_id}/survey", tags=["survey"])

SurveyReader = Annotated[Principal, Depends(require_roles(Role.CASEWORKER, Role.REVIEWER, Role.ADMIN, Role.SYSTEM))]
SurveyRecorder = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.put("", response_model=SurveyRead)
async def put_survey(
    request: Request, session: SessionDep, principal: SurveyRecorder, person_id: uuid.UUID, body: SurveyPut
) -> SurveyRead:
    """Records the survey of a person (caseworker of their region) and returns the class and package due."""
    result = await service.put_survey(session, principal, person_id, body, request.app.state.policy)
    platform: PlatformTables = request.app.state.platform
    await audit.record(
        session, platform.audit_log, principal, "survey.put", "person_survey", str(person_id), request=request,
        details={"classification": result.classification.value},
    )
    return result


@router.get("", response_model=SurveyRead)
async def get_survey(request: Request, session: SessionDep, principal: SurveyReader, person_id: uuid.UUID
                     ) -> SurveyRead:
    """Gets a person's class, package and what of it is still to give (the caseworker's to-do)."""
    return await service.get_survey(session, principal, person_id, request.app.state.policy)
