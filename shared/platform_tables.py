"""Tables every service keeps in its own schema: outbox, processed events, audit log, idempotency, calendar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID


@dataclass(frozen=True)
class PlatformTables:
    """The platform tables of one service schema."""

    outbox: Table
    processed_event: Table
    audit_log: Table
    idempotency_key: Table
    calendar_year: Table
    job: Table
    event_delivery: Table


def define_platform_tables(metadata: MetaData) -> PlatformTables:
    """Defines the platform tables on a service's metadata (and so in its schema)."""
    outbox = Table(
        "outbox_event", metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("request_id", String(64)),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Index("ix_outbox_event_unpublished", "created_at", postgresql_where=text("published_at IS NULL")),
    )
    processed_event = Table(
        "processed_event", metadata,
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    audit_log = Table(
        "audit_log", metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor", String(128), nullable=False),
        Column("role", String(16), nullable=False),
        Column("region", String(9), nullable=False),
        Column("action", String(64), nullable=False),
        Column("record_type", String(64), nullable=False),
        Column("record_id", String(64)),
        Column("client_address", String(64)),
        Column("request_id", String(64)),
        Column("details", JSONB),
        Index("ix_audit_log_record", "record_type", "record_id"),
    )
    idempotency_key = Table(
        "idempotency_key", metadata,
        Column("scope", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", SmallInteger),
        Column("response_body", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    calendar_year = Table(
        "calendar_year", metadata,
        Column("year", SmallInteger, primary_key=True),
        # {"YYYY-MM-DD": "name"} maps for the State Council arrangement of that year.
        Column("holidays", JSONB, nullable=False),
        Column("makeup_workdays", JSONB, nullable=False),
        Column("source", Text, nullable=False),
        Column("published_on", Date),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_by", String(128), nullable=False),
    )
    # One row per run of a batch job (api.md "Batch jobs"): at most one queued or running per (kind, period,
    # scope), its progress committed chunk by chunk so a crashed run resumes from `resume_from`.
    job = Table(
        "job", metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("kind", String(64), nullable=False),
        Column("period", String(16), nullable=False, server_default=""),
        Column("scope", String(12), nullable=False, server_default=""),
        Column("status", String(16), nullable=False),
        Column("processed", Integer, nullable=False, server_default=text("0")),
        Column("total", Integer),
        Column("resume_from", JSONB),
        Column("result", JSONB),
        Column("error", Text),
        Column("requested_by", String(128), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("started_at", DateTime(timezone=True)),
        Column("finished_at", DateTime(timezone=True)),
        Index("uq_job_active", "kind", "period", "scope", unique=True,
              postgresql_where=text("status IN ('queued', 'running')")),
        Index("ix_job_status_created", "status", "created_at"),
    )
    # One row per (event, subscriber) once the relay has sent it: acknowledged by the subscriber's receipt,
    # else sent again when next_send_at comes; failed_at / last_error make it a dead letter (shared/delivery.py).
    event_delivery = Table(
        "event_delivery", metadata,
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("subscriber", String(32), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("sends", Integer, nullable=False, server_default=text("1")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("last_sent_at", DateTime(timezone=True), nullable=False),
        Column("next_send_at", DateTime(timezone=True), nullable=False),
        Column("acked_at", DateTime(timezone=True)),
        Column("failures", Integer, nullable=False, server_default=text("0")),
        Column("failed_at", DateTime(timezone=True)),
        Column("last_error", Text),
        Index("ix_event_delivery_due", "next_send_at", postgresql_where=text("acked_at IS NULL")),
    )
    return PlatformTables(outbox, processed_event, audit_log, idempotency_key, calendar_year, job, event_delivery)
