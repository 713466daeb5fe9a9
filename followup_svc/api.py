"""The follow-up service's API: its domain routers, which the app serves under /api/v1."""

from followup_svc.assisted_api import routers as assisted_routers
from followup_svc.first_contact.router import router as first_contact_router
from followup_svc.ledger.router import router as ledger_router
from followup_svc.recommendation.router import router as recommendation_router

routers = (first_contact_router, ledger_router, *assisted_routers, recommendation_router)
