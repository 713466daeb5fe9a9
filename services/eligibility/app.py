"""Builds the eligibility service's FastAPI app (run: uvicorn services.eligibility.app:create_app --factory)."""

import httpx
from fastapi import FastAPI

from eligibility_svc.api import routers
from eligibility_svc.config import Settings
from eligibility_svc.models import platform
from shared.app import create_service_app
from shared.clients.base import hold_client
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database


def create_app(
    settings: Settings | None = None, database: Database | None = None,
    *,
    clock: Clock | None = None,
    configure_logs: bool = True,
    registration_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Returns the eligibility app wired to its settings and database (and, in tests, to the registration
    app through `registration_transport`)."""
    settings = settings or Settings()
    app = create_service_app(
        "eligibility",
        settings=settings,
        platform=platform,
        routers=routers,
        title="jiuye eligibility service",
        description=(
            "资格服务 Eligibility service: employment-difficulty certification (就业困难人员认定) and the "
            "startup guaranteed loan (创业担保贷款) with its interest subsidy, evaluated without "
            "storing anything. Every decision names the rule that applied and the document it "
            "rests on; every rejection is problem+json with a stable code and messages in Chinese "
            "and English. Authorize with a bearer token. The rules and the API are described in "
            "the repository's docs/ folder (docs/rules.md, docs/api.md)."
        ),
        database=database,
        clock=clock,
        configure_logs=configure_logs,
    )
    hold_client(app, "registration_client", lambda: RegistrationClient(
        settings.registration_url, settings, caller="eligibility", transport=registration_transport))
    return app
