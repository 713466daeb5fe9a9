"""Bare FastAPI + asyncpg app: the ceilings the service benchmarks compare to.

Run by the benchmarks as `uvicorn tests.perf.ceiling_app:create_app --factory` with BENCH_CEILING_DSN set to a
plain asyncpg DSN of the same (migrated) database the service uses. No auth, no middleware, no ORM.

- `POST /insert`, `GET /select/{id}`: one statement each, what any endpoint that writes or reads one row
  must pay (HTTP parsing, one pooled round trip, a small JSON reply).
- `POST /same-work/registrations`, `GET /same-work/registrations/{id}`: the SQL that
  `POST /api/v1/registrations` (a window application) and `GET /api/v1/registrations/{id}` send, statement
  for statement, in one transaction for the POST: Idempotency-Key claim (when the header is sent), person
  upsert (and the select that follows when the person exists), registration insert arbitrated by the
  partial unique index (REG-DUPLICATE), outbox insert, audit insert, idempotency store, commit; and the
  registration-person join for the GET. The statements are literal SQL, as the service's compiled Core
  statements read (captured from one request of each kind), so this file imports no application code.
  What the service adds on top is the rest of its work: auth, validation, the rules, the response.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

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

# ---- the registration endpoints' statements (schema "registration", tables from its migrations) ----------

_PERSON_COLUMNS = (
    "id, id_type, id_number, name, gender, birth_date, phone, hukou_region_code, hukou_type, "
    "residence_region_code, residence_type"
)
_PERSON_RETURNING = ", ".join(
    f"registration.person.{c}" for c in (*_PERSON_COLUMNS.split(", "), "created_at", "updated_at")
)
_CLAIM_KEY = (
    "INSERT INTO registration.idempotency_key (scope, key, request_hash) VALUES ($1::VARCHAR, $2::VARCHAR, "
    "$3::VARCHAR) ON CONFLICT DO NOTHING RETURNING registration.idempotency_key.key"
)
_STORED_KEY = (
    "SELECT registration.idempotency_key.request_hash, registration.idempotency_key.status_code, "
    "registration.idempotency_key.response_body FROM registration.idempotency_key "
    "WHERE registration.idempotency_key.scope = $1::VARCHAR AND registration.idempotency_key.key = $2::VARCHAR"
)
_STORE_KEY = (
    "UPDATE registration.idempotency_key SET status_code=$1::SMALLINT, response_body=$2::JSONB "
    "WHERE registration.idempotency_key.scope = $3::VARCHAR AND registration.idempotency_key.key = $4::VARCHAR"
)
_UPSERT_PERSON = (
    f"INSERT INTO registration.person ({_PERSON_COLUMNS}) VALUES ($1::UUID, $2::VARCHAR, $3::VARCHAR, "
    "$4::VARCHAR, $5::VARCHAR, $6::DATE, $7::VARCHAR, $8::VARCHAR, $9::VARCHAR, $10::VARCHAR, $11::VARCHAR) "
    f"ON CONFLICT (id_number) DO NOTHING RETURNING {_PERSON_RETURNING}"
)
_SELECT_PERSON = (
    f"SELECT {_PERSON_RETURNING} FROM registration.person WHERE registration.person.id_number = $1::VARCHAR"
)
_REGISTRATION_COLUMNS = (
    ("id", "UUID"), ("person_id", "UUID"), ("status", "VARCHAR"), ("channel", "VARCHAR"),
    ("agency_region_code", "VARCHAR"), ("applied_at", "TIMESTAMP WITH TIME ZONE"), ("decision_due", "DATE"),
    ("deadline_workdays", "SMALLINT"), ("deadline_source", "VARCHAR"), ("deadline_estimated", "BOOLEAN"),
    ("decided_at", "TIMESTAMP WITH TIME ZONE"), ("decided_by", "VARCHAR"), ("registered_on", "DATE"),
    ("hukou_region_code", "VARCHAR"), ("hukou_type", "VARCHAR"), ("residence_region_code", "VARCHAR"),
    ("residence_type", "VARCHAR"), ("unemployed_since", "DATE"), ("unemployment_reason", "VARCHAR"),
    ("education", "VARCHAR"), ("health_status", "VARCHAR"), ("disability_category", "VARCHAR"),
    ("disability_certificate_number", "VARCHAR"), ("skills", "JSONB"), ("certificates", "JSONB"),
    ("job_intentions", "JSONB"), ("training_intentions", "JSONB"), ("wants_startup_support", "BOOLEAN"),
    ("claims_unemployment_insurance", "BOOLEAN"), ("contact_address", "VARCHAR"), ("emergency_contact", "JSONB"),
    ("declared_unemployed", "BOOLEAN"), ("declared_able_to_work", "BOOLEAN"), ("declared_wants_work", "BOOLEAN"),
    ("declared_receiving_pension", "BOOLEAN"), ("commitment_signed", "BOOLEAN"), ("verification_state", "VARCHAR"),
    ("verification_findings", "JSONB"), ("overdue", "BOOLEAN"), ("false_information", "BOOLEAN"),
    ("created_by", "VARCHAR"), ("created_at", "TIMESTAMP WITH TIME ZONE"), ("updated_at", "TIMESTAMP WITH TIME ZONE"),
)
# REG-DUPLICATE: the partial unique index on person_id arbitrates, as in the service.
_INSERT_REGISTRATION = (
    f"INSERT INTO registration.registration ({', '.join(name for name, _ in _REGISTRATION_COLUMNS)}) VALUES ("
    + ", ".join(f"${n}::{kind}" for n, (_, kind) in enumerate(_REGISTRATION_COLUMNS, start=1))
    + ") ON CONFLICT (person_id) WHERE status IN ('registered', 'pending_verification') DO NOTHING "
    "RETURNING registration.registration.id"
)
_INSERT_OUTBOX = (
    "INSERT INTO registration.outbox_event (id, event_type, payload, request_id, created_at) VALUES ($1::UUID, "
    "$2::VARCHAR, $3::JSONB, $4::VARCHAR, $5::TIMESTAMP WITH TIME ZONE)"
)
_INSERT_AUDIT = (
    "INSERT INTO registration.audit_log (occurred_at, actor, role, region, action, record_type, record_id, "
    "client_address, request_id, details) VALUES ($1::TIMESTAMP WITH TIME ZONE, $2::VARCHAR, $3::VARCHAR, "
    "$4::VARCHAR, $5::VARCHAR, $6::VARCHAR, $7::VARCHAR, $8::VARCHAR, $9::VARCHAR, $10::JSONB)"
)
_REGISTRATION_READ_COLUMNS = (
    "id, person_id, status, channel, agency_region_code, applied_at, decision_due, deadline_workdays, "
    "deadline_source, deadline_estimated, decided_at, decided_by, decision_reason, registered_on, "
    "hukou_region_code, hukou_type, residence_region_code, residence_type, unemployed_since, unemployment_reason, "
    "education, health_status, disability_category, disability_certificate_number, skills, certificates, "
    "job_intentions, training_intentions, wants_startup_support, claims_unemployment_insurance, contact_address, "
    "emergency_contact, declared_unemployed, declared_able_to_work, declared_wants_work, "
    "declared_receiving_pension, commitment_signed, verification_state, verification_findings, "
    "home_visit_task_id, overdue, overdue_flagged_at, deregistration_reason, deregistration_effective_date, "
    "deregistration_note, deregistration_monthly_income_fen, deregistered_at, deregistered_by, notify_person, "
    "notification_id, false_information, created_by, created_at, updated_at"
)
_READ_REGISTRATION = (
    "SELECT "
    + ", ".join(f"registration.registration.{c}" for c in _REGISTRATION_READ_COLUMNS.split(", "))
    + ", "
    + ", ".join(
        f"registration.person.{c} AS person_{c}"
        for c in (*_PERSON_COLUMNS.split(", "), "created_at", "updated_at")
    )
    + " FROM registration.registration JOIN registration.person ON registration.person.id = "
    "registration.registration.person_id WHERE registration.registration.id = $1::UUID"
)
# The principal's sub, and the deadline source the service writes for a window application.
_ACTOR = "bench-caseworker"
_WINDOW_DEADLINE_SOURCE = "001 §一(四)1"


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _registration_values(body: dict[str, Any], person_id: uuid.UUID, now: datetime) -> tuple[object, ...]:
    """Returns the registration insert's arguments for a window application, filled as the service fills them."""
    person, declaration = body["person"], body["declaration"]
    applied_at = datetime.fromisoformat(body["applied_at"])
    applied_on = applied_at.date()  # the benchmark's bodies carry the agency's offset (+08:00)
    emergency_contact = body.get("emergency_contact")
    return (
        uuid.uuid4(), person_id, "registered", "window", body["agency_region_code"], applied_at, applied_on,
        0, _WINDOW_DEADLINE_SOURCE, False, now, _ACTOR, applied_on,
        person["hukou_region_code"], person["hukou_type"], person["residence_region_code"], person["residence_type"],
        date.fromisoformat(body["unemployed_since"]), body.get("unemployment_reason"),
        body.get("education"), body.get("health_status"), body.get("disability_category"),
        body.get("disability_certificate_number"),
        _json_text(body.get("skills", [])), _json_text(body.get("certificates", [])),
        _json_text(body.get("job_intentions", [])), _json_text(body.get("training_intentions", [])),
        bool(body.get("wants_startup_support", False)), bool(body.get("claims_unemployment_insurance", False)),
        body.get("contact_address"), None if emergency_contact is None else _json_text(emergency_contact),
        declaration["unemployed"], declaration["able_to_work"], declaration["wants_work"],
        declaration["receiving_pension"], body["commitment_signed"], "not_required", "[]", False, False,
        _ACTOR, now, now,
    )


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


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Returns a connection to its pool as it is (the endpoints set no session state)."""


def create_app(dsn: str | None = None) -> FastAPI:
    """Returns the ceiling app; its pool is opened in the lifespan from `dsn` or BENCH_CEILING_DSN."""
    target = dsn or os.environ[DSN_ENV]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = {"timezone": "UTC", "application_name": "jiuye-bench-ceiling"}
        pool = await asyncpg.create_pool(target, min_size=POOL_MIN, max_size=POOL_MAX, server_settings=settings)
        # Like the service's driver pool: no reset round trip when a connection goes back, so the
        # database sees the registration endpoints' statements and nothing else.
        same_work_pool = await asyncpg.create_pool(
            target, min_size=POOL_MIN, max_size=POOL_MAX, server_settings=settings, reset=_keep_session
        )
        app.state.pool, app.state.same_work_pool = pool, same_work_pool
        try:
            yield
        finally:
            await same_work_pool.close()
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

    @app.post("/same-work/registrations", status_code=201, response_model=None)
    async def same_work_create(request: Request) -> Response:
        """Runs the statements of POST /api/v1/registrations (window) in one transaction; returns the new id."""
        raw = await request.body()
        body = json.loads(raw)
        person = body["person"]
        key = request.headers.get("idempotency-key")
        scope = f"{_ACTOR}|POST /api/v1/registrations"
        now = datetime.now(UTC)
        request_id = uuid.uuid4().hex
        pool: asyncpg.Pool = request.app.state.same_work_pool
        async with pool.acquire() as connection, connection.transaction():
            if key is not None:
                request_hash = hashlib.sha256(raw).hexdigest()
                if await connection.fetchrow(_CLAIM_KEY, scope, key, request_hash) is None:
                    stored = await connection.fetchrow(_STORED_KEY, scope, key)
                    return Response(
                        stored["response_body"], status_code=stored["status_code"], media_type="application/json"
                    )
            person_row = await connection.fetchrow(
                _UPSERT_PERSON, uuid.uuid4(), person["id_type"], person["id_number"], person["name"],
                person.get("gender"), date.fromisoformat(person["birth_date"]), person.get("phone"),
                person["hukou_region_code"], person["hukou_type"], person["residence_region_code"],
                person["residence_type"],
            )
            if person_row is None:
                person_row = await connection.fetchrow(_SELECT_PERSON, person["id_number"])
            values = _registration_values(body, person_row["id"], now)
            if await connection.fetchrow(_INSERT_REGISTRATION, *values) is None:
                return JSONResponse({"detail": "REG-DUPLICATE"}, status_code=409)
            registration_id = values[0]
            event = {
                "registration_id": str(registration_id), "person_id": str(person_row["id"]),
                "agency_region_code": body["agency_region_code"], "channel": "window", "status": "registered",
                "applied_at": body["applied_at"], "registered_on": str(values[12]),
            }
            await connection.execute(
                _INSERT_OUTBOX, uuid.uuid4(), "registration.created", _json_text(event), request_id, now
            )
            await connection.execute(
                _INSERT_AUDIT, now, _ACTOR, "caseworker", body["agency_region_code"], "registration.create",
                "registration", str(registration_id), request.client.host if request.client else None,
                request_id, None,
            )
            reply = _json_text(
                {"id": str(registration_id), "person_id": str(person_row["id"]), "status": "registered"}
            )
            if key is not None:
                await connection.execute(_STORE_KEY, 201, reply, scope, key)
        return Response(reply, status_code=201, media_type="application/json")

    @app.get("/same-work/registrations/{registration_id}", response_model=None)
    async def same_work_read(registration_id: uuid.UUID, request: Request) -> Response:
        """Runs the select of GET /api/v1/registrations/{id} (one statement, no transaction); returns the row."""
        pool: asyncpg.Pool = request.app.state.same_work_pool
        row = await pool.fetchrow(_READ_REGISTRATION, registration_id)
        if row is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return Response(json.dumps(dict(row), default=str, ensure_ascii=False), media_type="application/json")

    @app.get("/select/{row_id}", response_model=None)
    async def select(row_id: uuid.UUID, request: Request) -> dict[str, str] | Response:
        """Selects one row by primary key and returns its id and creation time."""
        pool: asyncpg.Pool = request.app.state.pool
        row = await pool.fetchrow(_SELECT, row_id)
        if row is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return {"id": str(row["id"]), "created_at": row["created_at"].isoformat()}

    return app
