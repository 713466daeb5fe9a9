"""The registration schema built by Alembic matches the ORM models (no drift between migration and code)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from registration_svc.models import SCHEMA, metadata


class TestRegistrationMigrations:
    async def test_schema_matches_models(self, connection: AsyncConnection) -> None:
        def diff(sync: Connection) -> list[object]:
            context = MigrationContext.configure(
                sync,
                opts={
                    "include_schemas": True,
                    "include_name": lambda name, type_, parent: type_ != "schema" or name == SCHEMA,
                    "compare_type": True,
                    "version_table_schema": SCHEMA,
                },
            )
            return list(compare_metadata(context, metadata))

        assert await connection.run_sync(diff) == []
