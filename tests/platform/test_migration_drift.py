"""Each service's schema built by Alembic matches its ORM models (no drift between migrations and code)."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, Connection, MetaData, text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.migrate import SERVICES

_CHECKS_IN = text(
    "SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
    "JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace "
    "WHERE con.contype = 'c' AND ns.nspname = :schema"
)


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


def _checks(sync: Connection, schema: str) -> set[tuple[str, str, str]]:
    return {(str(table), str(name), str(definition)) for table, name, definition in sync.execute(_CHECKS_IN,
                                                                                               {"schema": schema})}


def _model_checks(sync: Connection, schema: str, metadata: MetaData) -> set[tuple[str, str, str]]:
    # PostgreSQL rewrites a CHECK expression (IN becomes = ANY (ARRAY[...]), casts appear), so each model
    # constraint is added to a temporary copy of its table and read back the way the migrated ones are.
    scratch = f"drift_check_{schema}"  # made inside the test's transaction, so rolled back with it
    sync.execute(text(f'CREATE SCHEMA "{scratch}"'))
    for table in metadata.tables.values():
        checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
        if not checks:
            continue
        sync.execute(text(f'CREATE TABLE "{scratch}"."{table.name}" (LIKE "{schema}"."{table.name}")'))
        for check in checks:
            condition = check.sqltext.compile(dialect=sync.dialect, compile_kwargs={"literal_binds": True})
            sync.execute(text(f'ALTER TABLE "{scratch}"."{table.name}" ADD CONSTRAINT "{check.name}" '
                              f"CHECK ({condition})"))
    return _checks(sync, scratch)


class TestMigrationsMatchModels:
    @pytest.mark.parametrize("service", SERVICES)
    async def test_migrated_schema_matches_models(self, connection: AsyncConnection, service: str) -> None:
        schema, metadata = _models(service)
        assert metadata.schema == schema
        assert await connection.run_sync(_differences, schema, metadata) == []

    @pytest.mark.parametrize("service", SERVICES)
    async def test_check_constraints_match_models(self, connection: AsyncConnection, service: str) -> None:
        # Alembic's comparison leaves CHECK constraints out: names and conditions are compared here.
        schema, metadata = _models(service)
        expected = await connection.run_sync(_model_checks, schema, metadata)
        assert await connection.run_sync(_checks, schema) == expected
