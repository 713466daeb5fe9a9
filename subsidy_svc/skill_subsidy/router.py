"""HTTP endpoint of the skill-subsidy preview (api.md "Subsidy service")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from shared.auth import PrincipalDep
from shared.db import SessionDep
from shared.policy import PolicyRegistry
from subsidy_svc.calendar.router import CalendarDep
from subsidy_svc.catalogue import service as catalogue
from subsidy_svc.skill_subsidy import service
from subsidy_svc.skill_subsidy.catalogue import default_catalogue
from subsidy_svc.skill_subsidy.schemas import SkillSubsidyPreview, SkillSubsidyPreviewRequest

router = APIRouter(prefix="/skill-subsidy", tags=["skill-subsidy"])


@router.post("/preview", response_model=SkillSubsidyPreview)
async def preview_skill_subsidy(
    body: SkillSubsidyPreviewRequest, request: Request, calendar: CalendarDep, principal: PrincipalDep,
    session: SessionDep,
) -> SkillSubsidyPreview:
    """Previews an application: window (SUB-WINDOW), review, notice and payment dates, and the amount from
    the catalogue in force on the certificate's issue date, as a claim is priced."""
    registry: PolicyRegistry = request.app.state.policy
    lookup = None
    if body.occupation_code is not None and body.level is not None:
        lookup = await catalogue.priced(session, body.certificate_issued_on, body.occupation_code, body.level,
                                        default_catalogue().source)
    return service.preview(body, registry, calendar, lookup)
