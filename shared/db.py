"""Database access: naming convention, per-service schemas, engines and the one way to open a transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from sqlalchemy import ClauseElement, MetaData
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.compiler import SQLCompiler

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DriverConnection(Protocol):
    """The part of an asyncpg connection that single-statement reads use."""

    async def fetchrow(self, query: str, *args: object) -> Sequence[Any] | None:
        """Returns the first row of the query's result, or None."""
        ...


_DRIVER_DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


def driver_sql(statement: ClauseElement) -> tuple[str, tuple[str, ...]]:
    """Compiles a Core statement once for asyncpg: its SQL text ($1, $2, ...) and the names of its bound
    parameters in that order."""
    compiled = statement.compile(dialect=_DRIVER_DIALECT)
    assert isinstance(compiled, SQLCompiler)
    return compiled.string, tuple(compiled.positiontup or ())


def make_metadata(schema: str) -> MetaData:
    """Returns the metadata of one service: its own Postgres schema and our constraint names."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, pool_size: int = 16, max_overflow: int = 0) -> AsyncEngine:
    """Creates an async engine; called from a lifespan or job startup, never at import."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        # Overflow connections are closed when returned, so under steady concurrency above the pool
        # size they are opened and closed on every request; a fixed pool queues briefly instead.
        max_overflow=max_overflow,
        # No pre-ping: with asyncpg it costs three round trips per checkout. A connection broken
        # under us fails that request with a 503 (nothing saved) and is discarded by the pool.
        pool_pre_ping=False,
        pool_recycle=1800,
        # Times are stored as timestamptz; the session speaks UTC and the API renders local time.
        connect_args={"server_settings": {"timezone": "UTC", "application_name": "jiuye"}},
    )


class Database:
    """Owns the sessionmaker of a service; `transaction()` is the only way code gets a session, and
    `reader()` the only way to read without one."""

    def __init__(self, bind: AsyncEngine | AsyncConnection) -> None:
        self.bind = bind
        self._owns_engine = isinstance(bind, AsyncEngine)
        # Bound to a test's connection, each transaction becomes a savepoint that the test rolls back.
        join_mode = "conditional_savepoint" if self._owns_engine else "create_savepoint"
        self.sessionmaker = async_sessionmaker(
            bind=bind,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode=join_mode,
        )

    @classmethod
    def from_url(cls, url: str, *, pool_size: int = 16, max_overflow: int = 0) -> Database:
        """Creates a database with its own engine."""
        return cls(make_engine(url, pool_size=pool_size, max_overflow=max_overflow))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Yields a session in a transaction that commits once at the end or rolls back on any error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[DriverConnection]:
        """Yields a pooled driver connection for one read statement, outside any transaction.

        A single statement sees one consistent snapshot by itself, so a read needs no BEGIN and COMMIT:
        that saves two round trips and most of the ORM's per-request work on the hottest reads. Never
        use it to write: use `transaction()`. Bound to a test's connection, it reads inside the test's
        transaction.
        """
        if isinstance(self.bind, AsyncConnection):
            raw = await self.bind.get_raw_connection()
            yield raw.driver_connection  # type: ignore[misc]
            return
        async with self.bind.connect() as connection:
            raw = await connection.get_raw_connection()
            yield raw.driver_connection  # type: ignore[misc]

    async def dispose(self) -> None:
        """Closes the engine's connections, if this database owns the engine."""
        if isinstance(self.bind, AsyncEngine):
            await self.bind.dispose()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.transaction() as session:
        yield session


# scope="function": the commit runs after the endpoint returns and before the response is sent,
# so a client never sees a success whose commit failed.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
