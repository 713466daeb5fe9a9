"""ORM tables of the followup service, all in its own Postgres schema \"followup\"."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata
from shared.platform_tables import define_platform_tables

SCHEMA = "followup"
metadata = make_metadata(SCHEMA)
platform = define_platform_tables(metadata)


class Base(DeclarativeBase):
    """Declarative base bound to this service's schema."""

    metadata = metadata


# Imported as a module, not by name: importing the ledger models first must not find this one half-made.
import followup_svc.ledger.models  # noqa: E402, F401
from followup_svc.assistance.models import Assistance  # noqa: E402
from followup_svc.first_contact.models import (  # noqa: E402  (tables register on Base's metadata)
    Deregistration,
    FirstContactStatus,
    FirstContactTask,
    FollowupMethod,
)
from followup_svc.person.models import ix_first_contact_task_person  # noqa: E402, F401
from followup_svc.recommendation.models import JobRecommendation  # noqa: E402  (job services, issue 14)
from followup_svc.revisit.models import FollowupAction, Revisit, RevisitSlot  # noqa: E402
from followup_svc.service_list.models import ServiceList  # noqa: E402  (assisted services, issue 11)
from followup_svc.service_record.models import ServiceRecord  # noqa: E402
from followup_svc.survey.models import PersonSurvey  # noqa: E402

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
