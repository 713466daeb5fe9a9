"""arq worker of the registration service (run: arq services.registration.worker.WorkerSettings)."""

from collections.abc import Mapping

from registration_svc.config import Settings
from registration_svc.models import platform
from registration_svc.registration.tasks import decision_redater, flag_overdue_decisions
from shared.calendar_store import calendar_year_handler
from shared.events import EventType
from shared.outbox import EventHandler
from shared.worker import WorkerContext, build_worker_settings


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {
        EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(
            platform.calendar_year, decision_redater(wc.clock)
        )
    }


# flag_overdue_decisions is enqueued daily by the scheduler (002 §七(一): overdue responses are reported).
WorkerSettings = build_worker_settings(
    "registration", platform, handlers=event_handlers, functions=[flag_overdue_decisions], settings=Settings()
)
