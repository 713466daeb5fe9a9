"""The registration service's API: its domain routers, which the app serves under /api/v1."""

from registration_svc.deregistration.router import router as deregistration_router
from registration_svc.job_fair.router import router as job_fair_router
from registration_svc.job_seeker.router import router as job_seeker_router
from registration_svc.notification.router import router as notification_router
from registration_svc.person.router import router as person_router
from registration_svc.region.router import router as region_router
from registration_svc.registration.router import router as registration_router
from registration_svc.statistics.router import router as statistics_router
from registration_svc.vacancy.router import router as vacancy_router
from registration_svc.verification.router import router as verification_router

# Statistics first: its literal path must win over /registrations/{registration_id}.
routers = (
    statistics_router, registration_router, deregistration_router, verification_router, notification_router,
    person_router, region_router, job_seeker_router, vacancy_router, job_fair_router,
)
