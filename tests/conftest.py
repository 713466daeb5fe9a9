"""Fixtures with real PostgreSQL and Redis: embedded servers by default, DATABASE_URL / REDIS_URL when set.

Each test session creates a throwaway database and applies every Alembic migration to it once, so
migrations are tested too; each test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from services.migrate import upgrade_all
from shared.db import Database
from shared.settings import normalize_database_url

# pgserver logs from an atexit hook, after pytest has closed the captured streams.
logging.getLogger("pgserver").setLevel(logging.WARNING)


def _asyncpg_dsn(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """URL of a PostgreSQL server database from which test databases are created."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield normalize_database_url(external)
        return
    from services.embedded import EmbeddedPostgres

    # Own temp dir, not pytest's basetemp: pytest prunes old basetemps, which parallel sessions share.
    data_dir = Path(tempfile.mkdtemp(prefix="jiuye-pg-"))
    server = EmbeddedPostgres(data_dir)
    server.start()
    try:
        yield server.admin_url
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def database_url(pg_admin_url: str) -> AsyncIterator[str]:
    """A fresh database with every service's migrations applied, dropped after the session."""
    name = f"jiuye_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(pg_admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await _drop_database(pg_admin_url, name)


async def _drop_database(admin_url: str, name: str) -> None:
    # FORCE ends sessions a test left open; the server may drop our own connection while it does,
    # so the drop is retried on a fresh one.
    for attempt in range(3):
        try:
            admin = await asyncpg.connect(_asyncpg_dsn(admin_url))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            finally:
                await admin.close()
        except (asyncpg.PostgresConnectionError, OSError, asyncpg.exceptions.ConnectionDoesNotExistError):
            if attempt == 2:
                raise
            await asyncio.sleep(0.5)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The session's engine on the test database."""
    eng = create_async_engine(database_url, pool_size=5, max_overflow=5)
    yield eng
    await eng.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in an outer transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
def database(connection: AsyncConnection) -> Database:
    """A Database whose transactions are savepoints inside the test's rolled-back transaction."""
    return Database(connection)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a real Redis: REDIS_URL when set, else an embedded redis-server."""
    external = os.environ.get("REDIS_URL")
    if external:
        yield external
        return
    from services.embedded import EmbeddedRedis

    data_dir = Path(tempfile.mkdtemp(prefix="jiuye-redis-"))
    server = EmbeddedRedis(data_dir)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def queue_prefix() -> str:
    """A queue prefix of this test session, so parallel sessions sharing a Redis do not mix jobs."""
    return f"jiuye-test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config: pytest.Config) -> None:
    """Records every Chinese text the tests produce (tests/chinese_text.py)."""
    from tests import chinese_text

    chinese_text.install()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fails the run when a Chinese text the tests produced holds an ASCII code word."""
    from tests import chinese_text

    chinese_text.report(session)
