"""The subsidy service's API: includes every domain router under /api/v1."""

from fastapi import APIRouter

from subsidy_svc.calendar.router import router as calendar_router
from subsidy_svc.skill_subsidy.router import router as skill_subsidy_router

router = APIRouter(prefix="/api/v1")
router.include_router(calendar_router)
router.include_router(skill_subsidy_router)
