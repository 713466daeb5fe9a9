"""Builds the subsidy service's FastAPI app (run: uvicorn services.subsidy.app:create_app --factory)."""

import asyncio

from fastapi import FastAPI

from shared.app import ServiceState, create_service_app
from shared.clock import Clock
from shared.db import Database
from subsidy_svc.api import routers
from subsidy_svc.claims.tasks import overdue_metrics
from subsidy_svc.config import Settings
from subsidy_svc.models import platform
from subsidy_svc.peers import Peers
from subsidy_svc.skill_subsidy.catalogue import default_catalogue


async def load_catalogue(state: ServiceState) -> None:
    """Loads and validates the skill-subsidy catalogue, so a bad file stops the service at startup."""
    default_catalogue()


def create_app(
    settings: Settings | None = None, database: Database | None = None,
    *,
    clock: Clock | None = None,
    configure_logs: bool = True,
    peers: Peers | None = None,
) -> FastAPI:
    """Returns the subsidy app wired to its settings, database and peers (tests give peers on the real apps)."""
    settings = settings or Settings()
    app: FastAPI

    async def connect_peers(state: ServiceState) -> None:
        clients = peers or Peers.from_settings(settings)
        app.state.peers = clients
        if peers is None:
            # Closed when the service stops: the lifespan cancels its background tasks.
            state.background.append(asyncio.create_task(clients.close_when_cancelled()))

    app = create_service_app(
        "subsidy",
        settings=settings,
        platform=platform,
        routers=routers,
        title="jiuye subsidy service",
        description=(
            "补贴服务 Subsidy service: the working-day calendar (工作日历, the authority for every "
            "deadline) and the skills-upgrade training subsidy (职业技能提升补贴). Every decision names "
            "the rule that applied and the document it rests on; every rejection is problem+json "
            "with a stable code and messages in Chinese and English. Authorize with a bearer "
            "token. The rules and the API are described in the repository's docs/ folder "
            "(docs/rules.md, docs/api.md)."
        ),
        database=database,
        clock=clock,
        configure_logs=configure_logs,
        on_startup=[load_catalogue, connect_peers],
        metrics_hooks=[overdue_metrics],
    )
    return app
