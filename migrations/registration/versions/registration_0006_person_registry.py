"""The person registry may hold a person by identity alone: household and residence become optional.

Other services put persons through PUT /api/v1/persons knowing only the identity (api.md "Persons");
registrations still record them.

Revision ID: registration_0006
Revises: registration_0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registration_0006"
down_revision: str | None = "registration_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"
COLUMNS = (("hukou_region_code", 12), ("hukou_type", 8), ("residence_region_code", 12), ("residence_type", 8))


def upgrade() -> None:
    for name, length in COLUMNS:
        op.alter_column("person", name, existing_type=sa.String(length), nullable=True, schema=SCHEMA)


def downgrade() -> None:
    # A person known by identity alone has no household to restore: such rows cannot go back.
    for name, length in COLUMNS:
        op.alter_column("person", name, existing_type=sa.String(length), nullable=False, schema=SCHEMA)
