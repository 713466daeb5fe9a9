"""Platform tables of the eligibility service: outbox, processed events, audit log, idempotency, calendar.

The DDL is written out literally (it was once built from shared/platform_tables.py), so that
editing the live table definitions cannot rewrite this revision. Every name is wrapped in op.f()
so the naming convention of the service's current metadata is not applied to it either.

Revision ID: eligibility_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "eligibility_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "eligibility"


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("outbox_event_pkey")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_outbox_event_unpublished"), "outbox_event", ["created_at"], schema=SCHEMA,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_event",
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("processed_event_pkey")),
        schema=SCHEMA,
    )
    op.create_table(
        "audit_log",
        # BIGSERIAL: the sequence audit_log_id_seq is owned by the column.
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region", sa.String(9), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=True),
        sa.Column("client_address", sa.String(64), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("details", postgresql.JSONB(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("audit_log_pkey")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_audit_log_record"), "audit_log", ["record_type", "record_id"], schema=SCHEMA)
    op.create_table(
        "idempotency_key",
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("response_body", postgresql.JSONB(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("idempotency_key_pkey")),
        schema=SCHEMA,
    )
    op.create_table(
        "calendar_year",
        # SMALLSERIAL, as first released: the sequence calendar_year_year_seq is owned by the column
        # although years are always given explicitly.
        sa.Column("year", sa.SmallInteger(), autoincrement=True, nullable=False),
        sa.Column("holidays", postgresql.JSONB(), nullable=False),
        sa.Column("makeup_workdays", postgresql.JSONB(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("calendar_year_pkey")),
        schema=SCHEMA,
    )
    op.execute(
        """
        CREATE FUNCTION "eligibility".audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only';
        END $$;
        """
    )
    op.execute(
        'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "eligibility".audit_log '
        'FOR EACH ROW EXECUTE FUNCTION "eligibility".audit_log_append_only()'
    )


def downgrade() -> None:
    for name in ("calendar_year", "idempotency_key", "audit_log", "processed_event", "outbox_event"):
        op.execute(f'DROP TABLE IF EXISTS "{SCHEMA}".{name} CASCADE')
    op.execute(f'DROP FUNCTION IF EXISTS "{SCHEMA}".audit_log_append_only()')
