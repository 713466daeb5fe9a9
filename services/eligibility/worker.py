"""arq worker of the eligibility service (run: arq services.eligibility.worker.WorkerSettings)."""

from collections.abc import Mapping

from eligibility_svc.config import Settings
from eligibility_svc.models import platform
from shared.calendar_store import calendar_year_handler
from shared.events import EventType
from shared.outbox import EventHandler
from shared.worker import WorkerContext, build_worker_settings


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(platform.calendar_year)}


WorkerSettings = build_worker_settings("eligibility", platform, handlers=event_handlers, settings=Settings())
