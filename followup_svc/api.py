"""The followup service's API: includes every domain router under /api/v1."""

from fastapi import APIRouter

from followup_svc.first_contact.router import router as first_contact_router

router = APIRouter(prefix="/api/v1")
router.include_router(first_contact_router)
