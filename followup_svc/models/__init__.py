"""ORM tables of the followup service, all in its own Postgres schema \"followup\"."""

# Every domain's tables, so that the metadata (Alembic, the drift test) sees them all.
import followup_svc.ledger.models  # noqa: F401
from followup_svc.assistance.models import Assistance
from followup_svc.first_contact.models import (  # (tables register on Base's metadata)
    Deregistration,
    FirstContactStatus,
    FirstContactTask,
    FollowupMethod,
)
from followup_svc.orm import SCHEMA, Base, metadata, platform
from followup_svc.person.models import ix_first_contact_task_person  # noqa: F401
from followup_svc.recommendation.models import JobRecommendation  # (job services, issue 14)
from followup_svc.revisit.models import FollowupAction, Revisit, RevisitSlot
from followup_svc.service_list.models import ServiceList  # (assisted services, issue 11)
from followup_svc.service_record.models import ServiceRecord
from followup_svc.survey.models import PersonSurvey

__all__ = [
    "SCHEMA",
    "Assistance",
    "Base",
    "Deregistration",
    "FirstContactStatus",
    "FirstContactTask",
    "FollowupAction",
    "FollowupMethod",
    "JobRecommendation",
    "PersonSurvey",
    "Revisit",
    "RevisitSlot",
    "ServiceList",
    "ServiceRecord",
    "metadata",
    "platform",
]
