"""arq worker of the followup service (run: arq services.followup.worker.WorkerSettings)."""

from collections.abc import Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance import tasks as assistance_tasks
from followup_svc.config import Settings
from followup_svc.first_contact import tasks as first_contact_tasks
from followup_svc.ledger import service as ledger_service
from followup_svc.ledger import tasks as ledger_tasks
from followup_svc.ledger.rules import add_months, month_of, month_text
from followup_svc.models import platform
from shared.calendar import WorkdayCalendar
from shared.calendar_store import calendar_year_handler
from shared.clients.registration import RegistrationClient
from shared.events import EventEnvelope, EventType
from shared.jobs import ChunkWork, submit_job
from shared.outbox import EventHandler
from shared.schedule import Schedule, daily, scheduled
from shared.settings import PlatformSettings
from shared.worker import JobCtx, WorkerContext, build_worker_settings, worker_context


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes; a registration event is handled by the
    first contact and the ledger in the one transaction of its consumption."""

    def calendar() -> WorkdayCalendar:
        return wc.calendar_holder.calendar

    first_contact = first_contact_tasks.registration_handlers(wc.policy, calendar, wc.settings.timezone)

    async def on_created(session: AsyncSession, envelope: EventEnvelope) -> None:
        await first_contact[EventType.REGISTRATION_CREATED](session, envelope)
        await ledger_tasks.on_registration_created(session, envelope, calendar(), wc.clock, wc.settings.timezone)

    async def on_deregistered(session: AsyncSession, envelope: EventEnvelope) -> None:
        await first_contact[EventType.REGISTRATION_DEREGISTERED](session, envelope)
        await ledger_tasks.on_registration_deregistered(session, envelope, wc.clock)

    return {
        EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(
            platform.calendar_year,
            assistance_tasks.with_assisted_dues(first_contact_tasks.first_contact_redater(wc.clock)),
        ),
        EventType.REGISTRATION_CREATED: on_created,
        EventType.REGISTRATION_DEREGISTERED: on_deregistered,
        **assistance_tasks.difficulty_handlers(wc.policy, calendar),
    }


def batch_work(wc: WorkerContext) -> Mapping[str, ChunkWork]:
    """Returns the chunk work of the service's batch jobs (the ledger's generation, close and data match)."""
    clients: list[RegistrationClient] = []

    def registration() -> RegistrationClient:
        if not clients:
            clients.append(RegistrationClient.from_settings(wc.settings, caller="followup"))
        return clients[0]

    return ledger_tasks.ledger_batch_work(wc.policy, lambda: wc.calendar_holder.calendar, wc.clock, registration)


@scheduled(daily(1, 0))
async def flag_overdue_first_contacts(ctx: JobCtx, on: str | None = None) -> dict[str, int]:
    """Logs open first contacts past due (FU-CONTACT) for upward reporting; `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    return await first_contact_tasks.flag_overdue_first_contacts(
        wc.database, wc.calendar_holder.calendar, date.fromisoformat(on) if on else wc.clock.today()
    )


async def _request(wc: WorkerContext, kind: str, month: str) -> str:
    async with wc.database.transaction() as session:
        row, _ = await submit_job(session, platform.job, wc.redis, wc.settings.queue_name("followup"), kind=kind,
                                  period=month, requested_by="scheduler")
    return str(row["id"])


@scheduled(Schedule(hour=0, minute=10, day=1))
async def generate_ledger_month(ctx: JobCtx, month: str | None = None) -> str:
    """On the 1st, requests the new month's entries for every registration valid in it (FU-MONTHLY)."""
    wc = worker_context(ctx)
    return await _request(wc, ledger_service.GENERATION, month or month_text(month_of(wc.clock.today())))


@scheduled(Schedule(hour=0, minute=30, day=1))
async def close_ledger_month(ctx: JobCtx, month: str | None = None) -> str:
    """On the 1st, requests the close of the month just ended (FU-MONTHLY, FU-UNREACHABLE)."""
    wc = worker_context(ctx)
    return await _request(wc, ledger_service.CLOSE,
                          month or month_text(add_months(month_of(wc.clock.today()), -1)))


@scheduled(Schedule(hour=2, minute=0, day=20))
async def run_ledger_data_match(ctx: JobCtx, month: str | None = None) -> str:
    """On the 20th, requests the month's data match against the reference data (FU-DATA-MATCH)."""
    wc = worker_context(ctx)
    return await _request(wc, ledger_service.DATA_MATCH, month or month_text(month_of(wc.clock.today())))


@scheduled(daily(1, 5))
async def flag_overdue_assistance(ctx: JobCtx, on: str | None = None) -> dict[str, int]:
    """Logs overdue assistance requirements (FU-TIER) for upward reporting; `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    return await assistance_tasks.flag_overdue_assistance(
        wc.database, date.fromisoformat(on) if on else wc.clock.today(), wc.policy
    )


def worker_settings(settings: PlatformSettings | None = None, *, run_relay: bool = True) -> type:
    """Returns the followup WorkerSettings for the given settings (tests pass theirs)."""
    return build_worker_settings(
        "followup", platform, handlers=event_handlers,
        functions=[flag_overdue_first_contacts, generate_ledger_month, close_ledger_month, run_ledger_data_match,
                   flag_overdue_assistance],
        run_relay=run_relay, settings=settings or Settings(), batch_work=batch_work,
    )


WorkerSettings = worker_settings()
