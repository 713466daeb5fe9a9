"""The registration service's API: includes every domain router under /api/v1."""

from fastapi import APIRouter

from registration_svc.deregistration.router import router as deregistration_router
from registration_svc.notification.router import router as notification_router
from registration_svc.registration.router import router as registration_router
from registration_svc.statistics.router import router as statistics_router
from registration_svc.verification.router import router as verification_router

router = APIRouter(prefix="/api/v1")
# Statistics first: its literal path must win over /registrations/{registration_id}.
router.include_router(statistics_router)
router.include_router(registration_router)
router.include_router(deregistration_router)
router.include_router(verification_router)
router.include_router(notification_router)
