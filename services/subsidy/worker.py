"""arq worker of the subsidy service (run: arq services.subsidy.worker.WorkerSettings)."""

from collections.abc import Mapping

from shared.outbox import EventHandler
from shared.worker import WorkerContext, build_worker_settings
from subsidy_svc.config import Settings
from subsidy_svc.models import platform


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {}


WorkerSettings = build_worker_settings("subsidy", platform, handlers=event_handlers, settings=Settings())
