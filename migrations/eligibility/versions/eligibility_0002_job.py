"""Batch jobs with progress (api.md "Batch jobs"): one row per run, at most one queued or running per
(kind, period, scope), progress committed chunk by chunk so a crashed run resumes.

Revision ID: eligibility_0002
Revises: eligibility_0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "eligibility_0002"
down_revision: str | None = "eligibility_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "eligibility"


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), server_default="", nullable=False),
        sa.Column("scope", sa.String(12), server_default="", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("processed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("resume_from", postgresql.JSONB(), nullable=True),
        sa.Column("result", postgresql.JSONB(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("uq_job_active"), "job", ["kind", "period", "scope"], unique=True, schema=SCHEMA,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_index(op.f("ix_job_status_created"), "job", ["status", "created_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("job", schema=SCHEMA)
