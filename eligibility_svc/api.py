"""The eligibility service's API: includes every domain router under /api/v1."""

from fastapi import APIRouter

from eligibility_svc.difficulty.router import router as difficulty_router
from eligibility_svc.startup_loan.router import router as startup_loan_router

router = APIRouter(prefix="/api/v1")
router.include_router(difficulty_router)
router.include_router(startup_loan_router)
