"""A small app built with create_service_app, for platform tests that need their own endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient

from followup_svc.models import platform
from shared.app import create_service_app
from shared.db import Database
from shared.settings import PlatformSettings


def platform_settings(database_url: str, redis_url: str, queue_prefix: str, **changes: object) -> PlatformSettings:
    """Returns platform settings pointed at the test servers."""
    return PlatformSettings(
        app_env="test",
        database_url=database_url,
        redis_url=redis_url,
        queue_prefix=queue_prefix,
        log_json=False,
        **changes,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def throwaway_app(
    routers: Sequence[APIRouter], settings: PlatformSettings, database: Database
) -> AsyncIterator[AsyncClient]:
    """Runs an app with the given routers (in the followup schema) and yields a client."""
    app = create_service_app(
        "throwaway",
        settings=settings,
        platform=platform,
        routers=routers,
        title="throwaway",
        description="platform test app",
        database=database,
        configure_logs=False,
    )
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
