"""First-contact tasks (FU-CONTACT) and the registrations closed before their task was created.

Revision ID: followup_0002
Revises: followup_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "followup_0002"
down_revision: str | None = "followup_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names are wrapped in op.f() so the naming convention of the live metadata (env.py) is not applied
# to them: the check constraints keep the doubled prefix that convention gave them when first released.
SCHEMA = "followup"


def upgrade() -> None:
    op.create_table(
        "first_contact_task",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("registration_id", UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_workdays", sa.SmallInteger(), nullable=False),
        sa.Column("due_source", sa.Text(), nullable=False),
        sa.Column("due_estimated", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), server_default="open", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(128), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(16), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_flagged_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_first_contact_task")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_first_contact_task_registration_id")),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_first_contact_task_ck_first_contact_task_status")
        ),
        sa.CheckConstraint(
            "method IS NULL OR method IN ('data_match', 'visit', 'phone')",
            name=op.f("ck_first_contact_task_ck_first_contact_task_method"),
        ),
        sa.CheckConstraint(
            "(status = 'done') = (completed_at IS NOT NULL AND method IS NOT NULL AND contacted_on IS NOT NULL)",
            name=op.f("ck_first_contact_task_ck_first_contact_task_done_has_completion"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_first_contact_task_created"), "first_contact_task", ["created_at", "id"], schema=SCHEMA
    )
    op.create_index(
        op.f("ix_first_contact_task_open_due"), "first_contact_task", ["due_on"], schema=SCHEMA,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "registration_closure",
        sa.Column("registration_id", UUID(as_uuid=True), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_registration_closure")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("registration_closure", schema=SCHEMA)
    op.drop_index(op.f("ix_first_contact_task_open_due"), table_name="first_contact_task", schema=SCHEMA)
    op.drop_index(op.f("ix_first_contact_task_created"), table_name="first_contact_task", schema=SCHEMA)
    op.drop_table("first_contact_task", schema=SCHEMA)
