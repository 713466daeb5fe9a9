"""Bare FastAPI + asyncpg app that inserts or selects one row: the ceiling the service benchmarks compare to.

Run by the benchmarks as `uvicorn tests.perf.ceiling_app:create_app --factory` with BENCH_CEILING_DSN set to a
plain asyncpg DSN of the same database the service uses. No auth, no middleware, no ORM: only what any
endpoint that writes or reads one row must pay (HTTP parsing, one pooled round trip, a small JSON reply).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

DSN_ENV = "BENCH_CEILING_DSN"
SCHEMA = "bench"
TABLE = f"{SCHEMA}.bench_ceiling"
# The services' SQLAlchemy pool is pool_size=10 + max_overflow=10 (shared.settings defaults).
POOL_MIN = 10
POOL_MAX = 20

_INSERT = f"INSERT INTO {TABLE} (id, payload, created_at) VALUES ($1, $2::jsonb, now())"
_SELECT = f"SELECT id, created_at FROM {TABLE} WHERE id = $1"


async def ensure_schema(dsn: str) -> None:
    """Creates the bench schema and its table if missing and empties the table."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(id uuid PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL)"
        )
        await connection.execute(f"TRUNCATE {TABLE}")
    finally:
        await connection.close()


def create_app(dsn: str | None = None) -> FastAPI:
    """Returns the ceiling app; its pool is opened in the lifespan from `dsn` or BENCH_CEILING_DSN."""
    target = dsn or os.environ[DSN_ENV]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            target, min_size=POOL_MIN, max_size=POOL_MAX,
            server_settings={"timezone": "UTC", "application_name": "jiuye-bench-ceiling"},
        )
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="jiuye benchmark ceiling", lifespan=lifespan, openapi_url=None)

    @app.post("/insert", status_code=201)
    async def insert(request: Request) -> dict[str, str]:
        """Inserts the request body as one jsonb row and returns its new id."""
        body = (await request.body()).decode()
        row_id = uuid.uuid4()
        pool: asyncpg.Pool = request.app.state.pool
        await pool.execute(_INSERT, row_id, body or "{}")
        return {"id": str(row_id)}

    @app.get("/select/{row_id}", response_model=None)
    async def select(row_id: uuid.UUID, request: Request) -> dict[str, str] | Response:
        """Selects one row by primary key and returns its id and creation time."""
        pool: asyncpg.Pool = request.app.state.pool
        row = await pool.fetchrow(_SELECT, row_id)
        if row is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return {"id": str(row["id"]), "created_at": row["created_at"].isoformat()}

    return app
