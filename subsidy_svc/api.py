"""The subsidy service's API: its domain routers, which the app serves under /api/v1."""

from subsidy_svc.calendar.router import router as calendar_router
from subsidy_svc.skill_subsidy.router import router as skill_subsidy_router

routers = (calendar_router, skill_subsidy_router)
