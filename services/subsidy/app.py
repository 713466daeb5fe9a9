"""Builds the subsidy service's FastAPI app (run: uvicorn services.subsidy.app:create_app --factory)."""

from fastapi import FastAPI

from subsidy_svc.api import router
from subsidy_svc.config import Settings
from subsidy_svc.models import platform
from shared.app import create_service_app
from shared.db import Database


def create_app(
    settings: Settings | None = None, database: Database | None = None, *, configure_logs: bool = True
) -> FastAPI:
    """Returns the subsidy app wired to its settings and database."""
    return create_service_app(
        "subsidy",
        settings=settings or Settings(),
        platform=platform,
        routers=[router],
        title="jiuye subsidy service",
        description="See /work/shared/spec/api.md for the public contract.",
        database=database,
        configure_logs=configure_logs,
    )
