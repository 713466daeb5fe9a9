"""arq worker of the eligibility service (run: arq services.eligibility.worker.WorkerSettings)."""

from collections.abc import Mapping
from datetime import date

import httpx

from eligibility_svc.certification import tasks as certification_tasks
from eligibility_svc.certification.periodic import QUARTERLY_KIND
from eligibility_svc.certification.rules import quarter_of
from eligibility_svc.certification.service import WorkflowEnv
from eligibility_svc.config import Settings
from eligibility_svc.models import platform
from shared.calendar_store import calendar_year_handler
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.events import EventType
from shared.jobs import ChunkWork, enqueue_job, request_job
from shared.outbox import EventHandler
from shared.schedule import Schedule, daily, scheduled
from shared.settings import PlatformSettings
from shared.worker import JobCtx, WorkerContext, build_worker_settings, worker_context


def _env(wc: WorkerContext) -> WorkflowEnv:
    return WorkflowEnv(wc.policy, wc.calendar_holder.calendar, platform.outbox, clock=wc.clock)


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {
        EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(
            platform.calendar_year, certification_tasks.certification_redater(wc.clock)
        ),
        **certification_tasks.deregistration_handlers(lambda: _env(wc)),
    }


@scheduled(daily(0, 30))
async def exit_certifications_on_retirement(ctx: JobCtx, on: str | None = None) -> int:
    """Ends certifications at the statutory retirement date (DIFF-EXIT); `on` (ISO date) replays a day."""
    wc = worker_context(ctx)
    return await certification_tasks.exit_on_retirement(
        wc.database, _env(wc), date.fromisoformat(on) if on else wc.clock.today()
    )


@scheduled(daily(1, 20))
async def flag_overdue_difficulty_steps(ctx: JobCtx, on: str | None = None) -> dict[str, dict[str, int]]:
    """Flags overdue certification steps and quarterly reports, per county, for upward reporting."""
    wc = worker_context(ctx)
    return await certification_tasks.flag_overdue(wc.database, date.fromisoformat(on) if on else wc.clock.today())


@scheduled(Schedule(hour=2, minute=0, day=1))
async def generate_quarterly_reviews(ctx: JobCtx, on: str | None = None) -> str | None:
    """On the first day of each quarter, requests that quarter's review list (DIFF-QUARTERLY); other months
    nothing. The run is the same batch job as POST /difficulty/reviews/{quarter}/generation."""
    wc = worker_context(ctx)
    today = date.fromisoformat(on) if on else wc.clock.today()
    if today.month not in (1, 4, 7, 10):
        return None
    quarter = quarter_of(today)
    async with wc.database.transaction() as session:
        row, created = await request_job(session, platform.job, kind=QUARTERLY_KIND, period=quarter,
                                         requested_by="scheduler")
    if created:
        await enqueue_job(wc.redis, wc.settings.queue_name("eligibility"), row["id"])
    return quarter


def worker_settings(
    settings: PlatformSettings | None = None, *, run_relay: bool = True, clock: Clock | None = None,
    registration_transport: httpx.AsyncBaseTransport | None = None,
) -> type:
    """Returns the eligibility WorkerSettings (tests pass their settings, clock and registration transport)."""
    settings = settings or Settings()
    clients: list[RegistrationClient] = []

    def registration() -> RegistrationClient:
        # Made on first use inside the worker's event loop, then kept for the process.
        if not clients:
            clients.append(RegistrationClient(settings.registration_url, settings, caller="eligibility",
                                              transport=registration_transport))
        return clients[0]

    def work(wc: WorkerContext) -> Mapping[str, ChunkWork]:
        return certification_tasks.batch_work(wc.policy, registration, wc.clock)

    return build_worker_settings(
        "eligibility", platform, handlers=event_handlers,
        functions=[exit_certifications_on_retirement, flag_overdue_difficulty_steps, generate_quarterly_reviews],
        run_relay=run_relay, settings=settings, clock=clock, batch_work=work,
    )


WorkerSettings = worker_settings()
