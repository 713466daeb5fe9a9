"""REG-ID-HMT: the mainland job a Hong Kong, Macao or Taiwan resident lost, recorded on the registration.

Revision ID: registration_0010
Revises: registration_0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0010"
down_revision: str | None = "registration_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"


def upgrade() -> None:
    op.add_column("registration", sa.Column("mainland_employment", postgresql.JSONB(), nullable=True), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("registration", "mainland_employment", schema=SCHEMA)
