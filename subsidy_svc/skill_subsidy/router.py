"""HTTP endpoint of the skill-subsidy preview (api.md "Subsidy service")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from shared.auth import PrincipalDep
from shared.policy import PolicyRegistry
from subsidy_svc.calendar.router import CalendarDep
from subsidy_svc.skill_subsidy import service
from subsidy_svc.skill_subsidy.catalogue import default_catalogue
from subsidy_svc.skill_subsidy.schemas import SkillSubsidyPreview, SkillSubsidyPreviewRequest

router = APIRouter(prefix="/skill-subsidy", tags=["skill-subsidy"])


@router.post("/preview", response_model=SkillSubsidyPreview)
async def preview_skill_subsidy(
    body: SkillSubsidyPreviewRequest, request: Request, calendar: CalendarDep, principal: PrincipalDep
) -> SkillSubsidyPreview:
    """Previews an application: window (SUB-WINDOW), review, notice and payment dates, amounts."""
    registry: PolicyRegistry = request.app.state.policy
    return service.preview(body, registry, calendar, default_catalogue())
