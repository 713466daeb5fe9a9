"""Database.reader(): one read statement on a pooled driver connection, outside any transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from registration_svc.models.registration import Registration
from shared.db import Database, driver_sql


async def test_reader_runs_outside_a_transaction_and_returns_the_connection(engine: AsyncEngine) -> None:
    database = Database(engine)
    async with database.reader() as reader:
        assert reader.is_in_transaction() is False  # type: ignore[attr-defined]
        row = await reader.fetchrow("SELECT $1::int + 1 AS n", 41)
        assert row is not None and row[0] == 42
    # The connection went back to the pool idle, not idle in transaction: a transaction still works.
    async with database.transaction() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_reader_sees_committed_rows_only_when_it_owns_the_engine(
    engine: AsyncEngine, connection: AsyncConnection
) -> None:
    marker = f"reader-{uuid.uuid4()}"
    await connection.execute(text("CREATE TEMP TABLE IF NOT EXISTS reader_probe (v text)"))
    await connection.execute(text("INSERT INTO reader_probe VALUES (:v)"), {"v": marker})
    # Bound to the test's connection, the reader reads inside the test's (uncommitted) transaction.
    async with Database(connection).reader() as reader:
        row = await reader.fetchrow("SELECT v FROM reader_probe WHERE v = $1", marker)
        assert row is not None and row[0] == marker
    # On its own pooled connection it cannot see another session's uncommitted temp table.
    async with Database(engine).reader() as reader:
        exists = await reader.fetchrow("SELECT to_regclass('pg_temp.reader_probe') IS NOT NULL")
        assert exists is not None and exists[0] is False


def test_driver_sql_numbers_the_bound_parameters_in_order() -> None:
    statement = select(Registration.id).where(
        Registration.agency_region_code == bindparam("region"), Registration.status == bindparam("status")
    )
    sql, names = driver_sql(statement)
    assert names == ("region", "status")
    assert "$1" in sql and "$2" in sql and ":region" not in sql
