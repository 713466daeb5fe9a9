"""arq worker of the subsidy service (run: arq services.subsidy.worker.WorkerSettings)."""

from collections.abc import Mapping
from datetime import date

from shared.outbox import EventHandler
from shared.schedule import daily, scheduled
from shared.settings import PlatformSettings
from shared.worker import JobCtx, WorkerContext, build_worker_settings, worker_context
from subsidy_svc.claims import tasks as claim_tasks
from subsidy_svc.config import Settings
from subsidy_svc.models import platform


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {}


@scheduled(daily(1, 20))
async def flag_overdue_claims(ctx: JobCtx, on: str | None = None) -> dict[str, object]:
    """Marks claims payable after their notice and flags overdue reviews and payments (SUB-REVIEW, SUB-PAYMENT),
    reported upward by city; `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    report = await claim_tasks.flag_overdue_claims(wc.database, date.fromisoformat(on) if on else wc.clock.today())
    return report.model_dump(mode="json")


def worker_settings(settings: PlatformSettings | None = None, *, run_relay: bool = True) -> type:
    """Returns the subsidy WorkerSettings for the given settings (tests pass theirs)."""
    return build_worker_settings(
        "subsidy", platform, handlers=event_handlers, functions=[flag_overdue_claims],
        run_relay=run_relay, settings=settings or Settings(),
    )


WorkerSettings = worker_settings()
