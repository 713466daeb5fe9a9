"""Builds the followup service's FastAPI app (run: uvicorn services.followup.app:create_app --factory)."""

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.api import routers
from followup_svc.config import Settings
from followup_svc.ledger.metrics import ledger_gauges
from followup_svc.models import platform
from shared.app import ServiceState, create_service_app
from shared.clients.base import hold_client
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database


async def ledger_metrics(state: ServiceState, session: AsyncSession) -> str:
    """The ledger's gauges of the last closed month (FU-MONTHLY)."""
    return await ledger_gauges(session)


def create_app(
    settings: Settings | None = None, database: Database | None = None,
    *,
    clock: Clock | None = None,
    configure_logs: bool = True,
    registration_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Returns the followup app wired to its settings and database (and, in tests, to the registration app
    through `registration_transport`: vacancy matching and recommendations read vacancies there)."""
    settings = settings or Settings()
    app = create_service_app(
        "followup",
        settings=settings,
        platform=platform,
        routers=routers,
        title="jiuye followup service",
        description=(
            "跟踪服务 Follow-up service: the first contact after registration and the monthly "
            "follow-up (跟踪调查). Every decision names the rule that applied and the document it "
            "rests on; every rejection is problem+json with a stable code and messages in Chinese "
            "and English. Authorize with a bearer token. The rules and the API are described in "
            "the repository's docs/ folder (docs/rules.md, docs/api.md)."
        ),
        database=database,
        clock=clock,
        configure_logs=configure_logs,
        metrics_hooks=[ledger_metrics],
    )
    hold_client(app, "registration_client", lambda: RegistrationClient(
        settings.registration_url, settings, caller="followup", transport=registration_transport))
    return app
