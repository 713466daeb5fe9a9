"""The eligibility service's API: its domain routers, which the app serves under /api/v1."""

from eligibility_svc.certification.router import router as certification_router
from eligibility_svc.difficulty.router import router as difficulty_router
from eligibility_svc.startup_loan.router import router as startup_loan_router

routers = (difficulty_router, certification_router, startup_loan_router)
