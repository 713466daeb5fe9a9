"""Runs every service's Alembic migrations; also the shared body of each service's env.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.settings import PlatformSettings, normalize_database_url

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "migrations" / "alembic.ini"
SERVICES = ("registration", "followup", "eligibility", "subsidy")
# Serializes concurrent migrators (several pods, or a job and a developer) on one database.
MIGRATION_LOCK_ID = 0x6A69757965


def alembic_config(service: str, database_url: str) -> Config:
    """Returns the Alembic config of one service's section, pointed at a database."""
    config = Config(str(ALEMBIC_INI), ini_section=service)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_all(database_url: str) -> None:
    """Upgrades every service's schema to its latest revision."""
    url = normalize_database_url(database_url)
    for service in SERVICES:
        command.upgrade(alembic_config(service, url), "head")


def run_env(metadata: MetaData, schema: str) -> None:
    """Runs migrations online for one service schema (called from migrations/<service>/env.py)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or PlatformSettings().database_url

    def run(connection: Connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_ID})
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=lambda name, type_, parent: type_ != "schema" or name == schema,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(normalize_database_url(url))
        async with engine.begin() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(main())
