"""Delivery of published events until each subscriber acknowledges them, dead letters included
(shared/delivery.py): one row per (event, subscriber).

Revision ID: followup_0009
Revises: followup_0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "followup_0009"
down_revision: str | None = "followup_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"


def upgrade() -> None:
    op.create_table(
        "event_delivery",
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("subscriber", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("sends", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("event_id", "subscriber", name=op.f("pk_event_delivery")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_event_delivery_due"), "event_delivery", ["next_send_at"], schema=SCHEMA,
        postgresql_where=sa.text("acked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("event_delivery", schema=SCHEMA)
