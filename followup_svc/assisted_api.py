"""Routers of the classified services, three-tier assistance, revisits and lists (issue 11), registered by api.py."""

from followup_svc.assistance.router import router as assistance_router
from followup_svc.person.router import router as person_router
from followup_svc.revisit.router import router as revisit_router
from followup_svc.service_list.router import router as service_list_router
from followup_svc.service_record.router import router as service_record_router
from followup_svc.survey.router import router as survey_router

routers = (survey_router, service_record_router, service_list_router, assistance_router, revisit_router,
           person_router)
