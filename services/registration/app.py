"""Builds the registration service's FastAPI app (run: uvicorn services.registration.app:create_app --factory)."""

from fastapi import FastAPI

from registration_svc.api import routers
from registration_svc.config import Settings
from registration_svc.models import platform
from shared.app import create_service_app
from shared.clock import Clock
from shared.db import Database


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
        description="See /work/shared/spec/api.md for the public contract.",
        database=database,
        clock=clock,
        configure_logs=configure_logs,
    )
