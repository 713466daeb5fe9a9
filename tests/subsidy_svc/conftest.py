"""Fixtures of the subsidy service's API tests: the app on the test database and tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from services.subsidy.app import create_app
from shared.db import Database
from subsidy_svc.config import Settings
from tests.support import running_app, service_settings


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    """A client of the subsidy app running in-process on the test's rolled-back transaction."""
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database) as http:
        yield http
