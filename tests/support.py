"""Helpers for API tests: run a service app in-process and make tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from io import BytesIO

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pypdf import PdfReader

from shared.auth import issue_token
from shared.clock import Clock
from shared.db import Database
from shared.settings import PlatformSettings


def service_settings(settings_cls: type[PlatformSettings], database_url: str, redis_url: str,
                  queue_prefix: str) -> PlatformSettings:
    """Returns a service's settings pointed at the test servers."""
    return settings_cls(
        app_env="test", database_url=database_url, redis_url=redis_url, queue_prefix=queue_prefix,
        log_json=False,
    )


@asynccontextmanager
async def running_app(
    create_app: Callable[..., FastAPI], settings: PlatformSettings, database: Database, clock: Clock | None = None
) -> AsyncIterator[AsyncClient]:
    """Runs an app's lifespan (on `clock`, if given) and yields a client talking to it through ASGI."""
    app = create_app(settings=settings, database=database, clock=clock, configure_logs=False)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def bearer(role: str, region: str, sub: str = "tester", settings: PlatformSettings | None = None) -> dict[str, str]:
    """Returns an Authorization header with a token for the role and region."""
    return {"Authorization": f"Bearer {issue_token(role, region, sub, 3600, settings)}"}

# How citations of the Shaoguan plan read (shared/policy/documents.toml): 《title》 and the clause.
PLAN = "《韶关市登记失业人员跟踪服务工作方案》"


def pdf_text(content: bytes) -> str:
    """Returns the text of a PDF with every space and line break removed (a line may wrap anywhere), so that a
    test can look for a phrase in it."""
    assert content.startswith(b"%PDF-"), content[:20]
    return "".join("".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())
