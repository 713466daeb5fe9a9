"""Persons and unemployment registrations (REG-*), with the REG-DUPLICATE partial unique index.

Revision ID: registration_0002
Revises: registration_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0002"
down_revision: str | None = "registration_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names are wrapped in op.f() so the naming convention of the live metadata (env.py) is not applied to them.
SCHEMA = "registration"
EMPTY_LIST = sa.text("'[]'::jsonb")


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("id_type", sa.String(32), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("gender", sa.String(8), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("hukou_region_code", sa.String(12), nullable=False),
        sa.Column("hukou_type", sa.String(8), nullable=False),
        sa.Column("residence_region_code", sa.String(12), nullable=False),
        sa.Column("residence_type", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("id_number", name=op.f("uq_person_id_number")),
        schema=SCHEMA,
    )
    op.create_table(
        "registration",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("deadline_workdays", sa.SmallInteger(), nullable=False),
        sa.Column("deadline_source", sa.Text(), nullable=False),
        sa.Column("deadline_estimated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("hukou_region_code", sa.String(12), nullable=False),
        sa.Column("hukou_type", sa.String(8), nullable=False),
        sa.Column("residence_region_code", sa.String(12), nullable=False),
        sa.Column("residence_type", sa.String(8), nullable=False),
        sa.Column("unemployed_since", sa.Date(), nullable=False),
        sa.Column("unemployment_reason", sa.Text(), nullable=False),
        sa.Column("education", sa.String(32), nullable=True),
        sa.Column("health_status", sa.String(32), nullable=True),
        sa.Column("disability_category", sa.String(32), nullable=True),
        sa.Column("disability_certificate_number", sa.String(64), nullable=True),
        sa.Column("skills", postgresql.JSONB(), server_default=EMPTY_LIST, nullable=False),
        sa.Column("certificates", postgresql.JSONB(), server_default=EMPTY_LIST, nullable=False),
        sa.Column("job_intentions", postgresql.JSONB(), server_default=EMPTY_LIST, nullable=False),
        sa.Column("training_intentions", postgresql.JSONB(), server_default=EMPTY_LIST, nullable=False),
        sa.Column("wants_startup_support", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("claims_unemployment_insurance", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("contact_address", sa.Text(), nullable=True),
        sa.Column("emergency_contact", postgresql.JSONB(), nullable=True),
        sa.Column("declared_unemployed", sa.Boolean(), nullable=False),
        sa.Column("declared_able_to_work", sa.Boolean(), nullable=False),
        sa.Column("declared_wants_work", sa.Boolean(), nullable=False),
        sa.Column("declared_receiving_pension", sa.Boolean(), nullable=False),
        sa.Column("commitment_signed", sa.Boolean(), nullable=False),
        sa.Column("verification_state", sa.String(16), server_default="not_required", nullable=False),
        sa.Column("verification_findings", postgresql.JSONB(), server_default=EMPTY_LIST, nullable=False),
        sa.Column("home_visit_task_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("overdue_flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deregistration_reason", sa.String(32), nullable=True),
        sa.Column("deregistration_effective_date", sa.Date(), nullable=True),
        sa.Column("deregistration_note", sa.Text(), nullable=True),
        sa.Column("deregistration_monthly_income_fen", sa.BigInteger(), nullable=True),
        sa.Column("deregistered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deregistered_by", sa.String(128), nullable=True),
        sa.Column("notify_person", sa.Boolean(), nullable=True),
        sa.Column("notification_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("false_information", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.ForeignKeyConstraint(
            ["person_id"], [f"{SCHEMA}.person.id"], name=op.f("fk_registration_person_id_person")
        ),
        schema=SCHEMA,
    )
    # REG-DUPLICATE under concurrency: the second concurrent insert for a person fails on this index.
    op.create_index(
        op.f("uq_registration_valid_person"), "registration", ["person_id"], unique=True, schema=SCHEMA,
        postgresql_where=sa.text("status IN ('registered', 'pending_verification')"),
    )
    op.create_index(
        op.f("ix_registration_region_created"), "registration", ["agency_region_code", "created_at", "id"],
        schema=SCHEMA, postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )
    op.create_index(
        op.f("ix_registration_status_created"), "registration", ["status", "created_at", "id"], schema=SCHEMA
    )
    op.create_index(op.f("ix_registration_created"), "registration", ["created_at", "id"], schema=SCHEMA)
    op.create_index(op.f("ix_registration_person"), "registration", ["person_id"], schema=SCHEMA)
    op.create_index(
        op.f("ix_registration_pending_due"), "registration", ["decision_due"], schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending_verification'"),
    )


def downgrade() -> None:
    op.drop_table("registration", schema=SCHEMA)
    op.drop_table("person", schema=SCHEMA)
