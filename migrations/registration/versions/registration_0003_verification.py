"""Verification reference data, home-visit tasks and notifications (REG-UNEMPLOYED, REG-PENSION, DEREG-NOTIFY).

No foreign keys to person or registration, so this revision does not depend on their tables.

Revision ID: registration_0003
Revises: registration_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0003"
down_revision: str | None = "registration_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names are wrapped in op.f() so the naming convention of the live metadata (env.py) is not applied
# to them: the check constraints keep the doubled prefix that convention gave them when first released.
SCHEMA = "registration"


def upgrade() -> None:
    op.create_table(
        "reference_batch",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_batch")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_reference_batch_source_loaded_at"), "reference_batch", ["source", "loaded_at"],
                    schema=SCHEMA)
    op.create_table(
        "reference_record",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("detail", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_record")),
        sa.CheckConstraint("status IN ('active', 'ended')",
                           name=op.f("ck_reference_record_ck_reference_record_status")),
        sa.CheckConstraint("valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to",
                           name=op.f("ck_reference_record_ck_reference_record_validity")),
        sa.ForeignKeyConstraint(["batch_id"], [f"{SCHEMA}.reference_batch.id"], ondelete="CASCADE",
                                name=op.f("fk_reference_record_batch_id_reference_batch")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_reference_record_id_number_source"), "reference_record", ["id_number", "source"],
                    schema=SCHEMA)
    op.create_index(op.f("ix_reference_record_source"), "reference_record", ["source"], schema=SCHEMA)
    op.create_index(op.f("ix_reference_record_batch_id"), "reference_record", ["batch_id"], schema=SCHEMA)

    op.create_table(
        "home_visit_task",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("registration_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(128), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_rules", postgresql.JSONB(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visit_task")),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_home_visit_task_ck_home_visit_task_status")),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('confirmed', 'contradicted', 'unreachable')",
                           name=op.f("ck_home_visit_task_ck_home_visit_task_outcome")),
        sa.CheckConstraint("(status = 'done') = (outcome IS NOT NULL)",
                           name=op.f("ck_home_visit_task_ck_home_visit_task_done_has_outcome")),
        schema=SCHEMA,
    )
    op.create_index(op.f("uq_home_visit_task_open_registration"), "home_visit_task", ["registration_id"],
                    unique=True,
                    schema=SCHEMA, postgresql_where=sa.text("status = 'open'"))
    op.create_index(op.f("ix_home_visit_task_region_open"), "home_visit_task",
                    ["agency_region_code", "created_at", "id"],
                    schema=SCHEMA, postgresql_where=sa.text("status = 'open'"),
                    postgresql_ops={"agency_region_code": "varchar_pattern_ops"})
    op.create_index(op.f("ix_home_visit_task_registration_id"), "home_visit_task", ["registration_id"],
                    schema=SCHEMA)

    op.create_table(
        "notification",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(12), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.CheckConstraint("channel IN ('sms', 'wechat', 'letter')",
                           name=op.f("ck_notification_ck_notification_channel")),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')",
                           name=op.f("ck_notification_ck_notification_status")),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)",
                           name=op.f("ck_notification_ck_notification_sent_has_time")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_notification_person_created"), "notification", ["person_id", "created_at", "id"],
                    schema=SCHEMA)
    op.create_index(op.f("ix_notification_pending"), "notification", ["channel", "created_at"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_table("notification", schema=SCHEMA)
    op.drop_table("home_visit_task", schema=SCHEMA)
    op.drop_table("reference_record", schema=SCHEMA)
    op.drop_table("reference_batch", schema=SCHEMA)
