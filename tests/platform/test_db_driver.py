"""Database.reader() and writer(): the hot paths' driver connections, and statements compiled once for them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, MetaData, Table, Text, bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from registration_svc.models.registration import Registration
from shared.db import Database, DriverStatement, driver_sql

PROBE = Table(
    "driver_probe", MetaData(schema="driver_test"),
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("label", Text),
    Column("doc", JSONB),
)
INSERT = DriverStatement(pg_insert(PROBE).returning(PROBE.c.id), ("id", "label", "doc"))
BY_LABEL = DriverStatement(select(PROBE.c.doc).where(PROBE.c.label == bindparam("label")).limit(1))


@pytest.fixture
async def owned(engine: AsyncEngine) -> AsyncIterator[Database]:
    """A Database with its own engine and driver pool, over a probe table that commits for real."""
    async with engine.begin() as conn:
        await conn.execute(text("CREATE SCHEMA IF NOT EXISTS driver_test"))
        await conn.run_sync(PROBE.metadata.create_all)
    database = Database(engine, driver_pool_size=2)
    try:
        yield database
    finally:
        if database._driver_pool is not None:
            await database._driver_pool.close()
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA driver_test CASCADE"))


async def test_reader_runs_outside_a_transaction_and_returns_the_connection(owned: Database) -> None:
    async with owned.reader() as reader:
        assert reader.is_in_transaction() is False  # type: ignore[attr-defined]
        row = await reader.fetchrow("SELECT $1::int + 1 AS n", 41)
        assert row is not None and row[0] == 42
    pool = owned._driver_pool
    assert pool is not None and pool.get_idle_size() == pool.get_size()


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
    owned = Database(engine)
    try:
        async with owned.reader() as reader:
            exists = await reader.fetchrow("SELECT to_regclass('pg_temp.reader_probe') IS NOT NULL")
            assert exists is not None and exists[0] is False
    finally:
        await owned.dispose()


async def test_writer_commits_at_the_end(owned: Database) -> None:
    label = f"commit-{uuid.uuid4()}"
    async with owned.writer() as writer:
        assert writer.is_in_transaction() is True  # type: ignore[attr-defined]
        await INSERT.fetchrow(writer, {"id": uuid.uuid4(), "label": label, "doc": {"名字": "张三", "n": [1, 2]}})
    async with owned.reader() as reader:
        row = await BY_LABEL.fetchrow(reader, {"label": label})
    assert row is not None and row[0] == {"名字": "张三", "n": [1, 2]}


async def test_writer_rolls_back_everything_on_an_error(owned: Database) -> None:
    label = f"rollback-{uuid.uuid4()}"
    with pytest.raises(RuntimeError):
        async with owned.writer() as writer:
            await INSERT.fetchrow(writer, {"id": uuid.uuid4(), "label": label, "doc": None})
            raise RuntimeError("a rule failed after the first write")
    async with owned.reader() as reader:
        assert await BY_LABEL.fetchrow(reader, {"label": label}) is None
        # The connection went back to the pool out of its transaction.
        assert reader.is_in_transaction() is False  # type: ignore[attr-defined]


async def test_writer_bound_to_a_test_connection_is_a_savepoint(connection: AsyncConnection) -> None:
    await connection.execute(text("CREATE TEMP TABLE savepoint_probe (v text)"))
    database = Database(connection)
    with pytest.raises(RuntimeError):
        async with database.writer() as writer:
            await writer.execute("INSERT INTO savepoint_probe VALUES ('dropped')")
            raise RuntimeError("rolled back to the savepoint only")
    async with database.writer() as writer:
        await writer.execute("INSERT INTO savepoint_probe VALUES ('kept')")
    rows = (await connection.execute(text("SELECT v FROM savepoint_probe"))).scalars().all()
    assert rows == ["kept"]


async def test_json_parameters_read_back_alike_on_the_pool_and_on_a_test_connection(
    owned: Database, connection: AsyncConnection
) -> None:
    # Our pool's codecs mirror SQLAlchemy's: JSON goes in as text and comes back decoded on both.
    doc = {"certificates": [{"name": "电工", "level": 3}], "none": None}
    for database in (owned, Database(connection)):
        label = f"json-{uuid.uuid4()}"
        async with database.writer() as writer:
            await INSERT.fetchrow(writer, {"id": uuid.uuid4(), "label": label, "doc": doc})
            row = await BY_LABEL.fetchrow(writer, {"label": label})
        assert row is not None and row[0] == doc


def test_driver_statement_binds_by_name_with_fixed_values_and_json_as_text() -> None:
    assert INSERT.names == ("id", "label", "doc")
    row_id = uuid.uuid4()
    assert INSERT.args({"doc": {"a": "丙"}, "label": "x", "id": row_id}) == (row_id, "x", '{"a":"丙"}')
    assert INSERT.args({"doc": None, "label": "x", "id": row_id})[2] is None
    # The LIMIT is bound but fixed by the statement itself.
    assert BY_LABEL.names == ("label", "param_1") and BY_LABEL.args({"label": "y"}) == ("y", 1)
    with pytest.raises(KeyError):
        INSERT.args({"id": row_id, "label": "x"})


def test_driver_sql_numbers_the_bound_parameters_in_order() -> None:
    statement = select(Registration.id).where(
        Registration.agency_region_code == bindparam("region"), Registration.status == bindparam("status")
    )
    sql, names = driver_sql(statement)
    assert names == ("region", "status")
    assert "$1" in sql and "$2" in sql and ":region" not in sql

