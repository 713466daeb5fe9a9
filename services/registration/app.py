"""Builds the registration service's FastAPI app (run: uvicorn services.registration.app:create_app --factory)."""

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.api import routers
from registration_svc.config import Settings
from registration_svc.models import platform
from registration_svc.notification.metrics import exposition as notification_metrics_text
from shared.app import ServiceState, create_service_app
from shared.clock import Clock
from shared.db import Database


async def notification_metrics(state: ServiceState, session: AsyncSession) -> str:
    """The notification delivery counters and gauges, on the registration service's /metrics."""
    return await notification_metrics_text(state.redis, session, state.settings.queue_prefix)


def create_app(
    settings: Settings | None = None, database: Database | None = None,
    *,
    clock: Clock | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    """Returns the registration app wired to its settings and database."""
    return create_service_app(
        "registration",
        settings=settings or Settings(),
        platform=platform,
        routers=routers,
        title="jiuye registration service",
        description=(
            "登记服务 Registration service: the person registry, unemployment registration (失业登记) and "
            "its verification, deregistration (注销), notices to the person, the region and agency "
            "registry and registration statistics. Every decision names the rule that applied and "
            "the document it rests on; every rejection is problem+json with a stable code and "
            "messages in Chinese and English. Authorize with a bearer token. The rules and the "
            "API are described in the repository's docs/ folder (docs/rules.md, docs/api.md)."
        ),
        database=database,
        clock=clock,
        configure_logs=configure_logs,
        metrics_hooks=[notification_metrics],
    )
