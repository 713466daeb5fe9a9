"""Database access: naming convention, per-service schemas, engines and the one way to open a transaction."""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Dialect, MetaData, String, TypeDecorator
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class EnumText(TypeDecorator[E]):
    """A column of a StrEnum stored as its value in a VARCHAR: the model reads and writes enum members,
    the DDL stays a plain string column (no Postgres enum type to migrate when a member is added)."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E], length: int) -> None:
        super().__init__(length)
        self.enum_type = enum_type

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)


# Values per IN list: asyncpg refuses a statement of more than 32,767 parameters.
IN_LIST_SIZE = 10_000


def in_chunks(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """Yields the values in slices of at most `size`, for statements that take them as one IN list each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


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


AfterCommit = Callable[[], Awaitable[None] | None]
_AFTER_COMMIT = "jiuye.after_commit"


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Runs `callback` once the session's transaction has committed, and never if it rolls back.

    Work that must not be seen before the data it depends on (a calendar swapped into this process,
    a job queued for a worker) registers here instead of relying on the order of an endpoint's
    dependencies; a failing callback is logged, not raised: the commit has already happened.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


class Database:
    """Owns the engine and sessionmaker of a service; `transaction()` is the only way code gets a session."""

    def __init__(self, bind: AsyncEngine | AsyncConnection) -> None:
        self.bind = bind
        # Bound to a test's connection, each transaction becomes a savepoint that the test rolls back.
        join_mode = "conditional_savepoint" if isinstance(bind, AsyncEngine) else "create_savepoint"
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
        """Yields a session in a transaction that commits once at the end or rolls back on any error;
        then runs what was registered with `after_commit`."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            for callback in session.info.pop(_AFTER_COMMIT, ()):
                try:
                    result = callback()
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    logger.exception("after-commit callback failed; the transaction itself committed")

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
