"""arq worker of the followup service (run: arq services.followup.worker.WorkerSettings)."""

from collections.abc import Mapping
from datetime import date

from followup_svc.assistance import tasks as assistance_tasks
from followup_svc.config import Settings
from followup_svc.first_contact import tasks as first_contact_tasks
from followup_svc.models import platform
from shared.calendar_store import calendar_year_handler
from shared.events import EventType
from shared.outbox import EventHandler
from shared.schedule import daily, scheduled
from shared.settings import PlatformSettings
from shared.worker import JobCtx, WorkerContext, build_worker_settings, worker_context


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {
        EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(
            platform.calendar_year,
            assistance_tasks.with_assisted_dues(first_contact_tasks.first_contact_redater(wc.clock)),
        ),
        **first_contact_tasks.registration_handlers(
            wc.policy, lambda: wc.calendar_holder.calendar, wc.settings.timezone
        ),
        **assistance_tasks.difficulty_handlers(wc.policy, lambda: wc.calendar_holder.calendar),
    }


@scheduled(daily(1, 0))
async def flag_overdue_first_contacts(ctx: JobCtx, on: str | None = None) -> dict[str, int]:
    """Logs open first contacts past due (FU-CONTACT) for upward reporting; `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    return await first_contact_tasks.flag_overdue_first_contacts(
        wc.database, wc.calendar_holder.calendar, date.fromisoformat(on) if on else wc.clock.today()
    )


@scheduled(daily(1, 5))
async def flag_overdue_assistance(ctx: JobCtx, on: str | None = None) -> dict[str, int]:
    """Logs overdue assistance requirements (FU-TIER) for upward reporting; `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    return await assistance_tasks.flag_overdue_assistance(
        wc.database, date.fromisoformat(on) if on else wc.clock.today()
    )


def worker_settings(settings: PlatformSettings | None = None, *, run_relay: bool = True) -> type:
    """Returns the followup WorkerSettings for the given settings (tests pass theirs)."""
    return build_worker_settings(
        "followup", platform, handlers=event_handlers, functions=[flag_overdue_first_contacts, flag_overdue_assistance],
        run_relay=run_relay, settings=settings or Settings(),
    )


WorkerSettings = worker_settings()
