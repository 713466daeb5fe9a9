"""The subsidy service's API: its domain routers, which the app serves under /api/v1."""

from subsidy_svc.calendar.router import router as calendar_router
from subsidy_svc.catalogue.router import router as catalogue_router
from subsidy_svc.claims.router import router as claims_router
from subsidy_svc.loans.router import router as loans_router
from subsidy_svc.payments.router import router as payments_router
from subsidy_svc.skill_subsidy.router import router as skill_subsidy_router

routers = (calendar_router, skill_subsidy_router, catalogue_router, claims_router, loans_router, payments_router)
