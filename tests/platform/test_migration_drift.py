"""Each service's schema built by Alembic matches its ORM models (no drift between migrations and code)."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncConnection

from services.migrate import SERVICES


def _models(service: str) -> tuple[str, MetaData]:
    """Returns a service's schema name and ORM metadata, as its migrations/<service>/env.py sees them."""
    module = importlib.import_module(f"{service}_svc.models")
    schema: str = module.SCHEMA
    metadata: MetaData = module.metadata
    return schema, metadata


def _differences(sync: Connection, schema: str, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(
        sync,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, parent: type_ != "schema" or name == schema,
            "compare_type": True,
            "compare_server_default": True,
            "version_table_schema": schema,
        },
    )
    return list(compare_metadata(context, metadata))


class TestMigrationsMatchModels:
    @pytest.mark.parametrize("service", SERVICES)
    async def test_migrated_schema_matches_models(self, connection: AsyncConnection, service: str) -> None:
        schema, metadata = _models(service)
        assert metadata.schema == schema
        assert await connection.run_sync(_differences, schema, metadata) == []
