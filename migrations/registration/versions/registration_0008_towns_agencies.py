"""The registry of towns and agencies that admins keep (T-REGION): towns below the published county list,
and each region's public employment service agency with its contact.

Revision ID: registration_0008
Revises: registration_0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0008"
down_revision: str | None = "registration_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"


def upgrade() -> None:
    op.create_table(
        "town",
        sa.Column("code", sa.String(9), nullable=False),
        sa.Column("county_code", sa.String(6), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_town")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_registration_town_county_code"), "town", ["county_code"], schema=SCHEMA)
    op.create_table(
        "agency",
        sa.Column("region_code", sa.String(9), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("telephone", sa.String(32), nullable=False),
        sa.Column("items_handled", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_agency")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("agency", schema=SCHEMA)
    op.drop_table("town", schema=SCHEMA)
